"""Verifying contributions: approve, adjust, reject, approve a whole session, undo an approval,
and withdrawing the time of a member who closed their account.

Approval and the `earn` transfer it posts happen in one database transaction, and the transfer's
idempotency key is derived from the contribution, so approving twice, or at the same moment from
two phones, posts once. Undoing an approval posts the ledger's reversal of that transfer.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.db import retry_on_conflict
from timecredits.errors import Invalid, NotFound
from timecredits.notifications.services import notify_many

from ..errors import GroupBudgetExhausted, MemberClosed, NotDecidable, NotGivenYet, OwnTime
from ..models import Contribution, ContributionEvent, Session
from ..tokens import POSTER_GRACE
from .earning import earn_post_many, earn_reverse, time_not_approved
from .events import event, event_record

QR_METHODS = {Contribution.Method.POSTER, Contribution.Method.KIOSK}
UNDECIDED = [Contribution.Status.CHECKED_IN, Contribution.Status.PENDING]
# Stored in the audit trail as written, like the reasons coordinators type.
ACCOUNT_CLOSED_REASON = "The member closed their account."


def _require_reason(reason: str, message: str) -> None:
    """Adjusting, rejecting and undoing each need a reason, shown against the reason field."""
    if not (reason or "").strip():
        raise Invalid(message, detail=[{"field": "reason", "message": message}])


def _locking():
    return Contribution.objects.select_for_update(no_key=True, of=("self",)).select_related(
        "session__activity__organisation", "session__activity__programme", "member__user"
    )


def _locked(contribution_ids) -> list[Contribution]:
    return list(_locking().filter(pk__in=contribution_ids).order_by("pk"))


def contribution_lock(
    *, contribution_id: int, session_id: int | None = None, organisation_id: int | None = None
) -> Contribution:
    """The contribution, locked in the caller's transaction for a decision, with what deciding
    and showing it need; only at that session or organisation when one is named."""
    rows = _locking().filter(pk=contribution_id)
    if session_id is not None:
        rows = rows.filter(session_id=session_id)
    if organisation_id is not None:
        rows = rows.filter(session__activity__organisation_id=organisation_id)
    locked = rows.first()
    if locked is None:
        raise NotFound(_("There is no such contribution."))
    return locked


def _decide(contributions, status, action, *, actor, reason="") -> list[Contribution]:
    """Move the contributions to a status, saying who decided (nobody, when they wait again),
    and record the step for each in their audit trail."""
    now = timezone.now()
    waits = status == Contribution.Status.PENDING
    steps = [
        event(c, actor=actor, action=action, from_status=c.status, reason=reason)
        for c in contributions
    ]
    for c, step in zip(contributions, steps, strict=True):
        c.status = step.to_status = status
        c.decided_by, c.decided_at = (None, None) if waits else (actor, now)
    Contribution.objects.bulk_update(contributions, ["status", "decided_by", "decided_at"])
    ContributionEvent.objects.bulk_create(steps)
    return contributions


def _approve_locked(contributions, *, actor, action="approved") -> list[Contribution]:
    to_approve = [c for c in contributions if c.status == Contribution.Status.PENDING]
    _decide(to_approve, Contribution.Status.APPROVED, action, actor=actor)
    earn_post_many(contributions=[c for c in to_approve if c.minutes > 0], actor=actor)
    return to_approve


def _refuse_undecidable(locked: Contribution) -> None:
    if locked.status != Contribution.Status.PENDING:
        raise NotDecidable()


@transaction.atomic
def contribution_approve(
    *, actor, contribution: Contribution, minutes: int | None = None, reason: str = ""
) -> Contribution:
    """Approve the contribution (locked by `contribution_lock`), optionally adjusting the minutes
    (which needs a reason). Approving an already approved contribution changes nothing and posts
    nothing."""
    if contribution.status == Contribution.Status.APPROVED and minutes in (
        None,
        contribution.minutes,
    ):
        return contribution
    _refuse_undecidable(contribution)
    if contribution.member.user_id == getattr(actor, "pk", None):
        # A member who also runs a group would otherwise pay themselves, with no one else
        # involved.
        raise OwnTime()
    if contribution.checked_out_at > timezone.now():
        # Time recorded for the whole of a session still running: approved, it would be paid
        # for now, before it is given.
        raise NotGivenYet.at(contribution.checked_out_at)
    if contribution.member.closed_at is not None:
        raise MemberClosed()
    if minutes is not None and minutes != contribution.minutes:
        _require_reason(reason, _("Say why the time is changed."))
        if not 0 <= minutes <= contribution.session.length_minutes:
            problem = _("Use from 0 to %(max)s minutes, the session's length.") % {
                "max": contribution.session.length_minutes
            }
            raise Invalid(problem, detail=[{"field": "minutes", "message": problem}])
        before = contribution.minutes
        contribution.minutes = minutes
        contribution.save(update_fields=["minutes"])
        event_record(
            contribution,
            actor=actor,
            action="adjusted",
            from_status=contribution.status,
            minutes_before=before,
            reason=reason,
        )
    _approve_locked([contribution], actor=actor)
    return contribution


# How long after a decision the same decision sent again by the same person is taken as a replay.
REPLAYED_WITHIN = datetime.timedelta(minutes=10)


@transaction.atomic
def contribution_reject(*, actor, contribution: Contribution, reason: str) -> Contribution:
    """Reject the contribution (locked by `contribution_lock`), saying why. The same person
    rejecting it again for the same reason moments later (a double tap, Back and send) changes
    nothing."""
    _require_reason(reason, _("Say why this time is not approved."))
    if (
        contribution.status == Contribution.Status.REJECTED
        and contribution.decided_by_id == getattr(actor, "pk", None)
        and timezone.now() - contribution.decided_at < REPLAYED_WITHIN
        and contribution.events.order_by("-pk").values_list("reason", flat=True).first() == reason
    ):
        return contribution
    _refuse_undecidable(contribution)
    _decide([contribution], Contribution.Status.REJECTED, "rejected", actor=actor, reason=reason)
    notify_many(messages=[time_not_approved(contribution, reason=reason)])
    return contribution


@transaction.atomic
def contribution_unapprove(*, actor, contribution: Contribution, reason: str) -> Contribution:
    """Undo an approval (of a contribution locked by `contribution_lock`): the earn transfer is
    reversed and the contribution waits again."""
    _require_reason(reason, _("Say why the approval is undone."))
    if contribution.status != Contribution.Status.APPROVED:
        raise NotDecidable(_("Only an approved contribution can be undone."), code="not_approved")
    if contribution.minutes > 0:
        earn_reverse(contribution=contribution, actor=actor, reason=reason)
    _decide([contribution], Contribution.Status.PENDING, "unapproved", actor=actor, reason=reason)
    return contribution


@retry_on_conflict
def session_approve_all(*, actor, session: Session) -> list[Contribution]:
    """Approve every pending contribution of a session, posting their earnings in one batch.
    Time of a member who has closed their account is left out: it can earn nothing, and it must
    not stop everyone else's time from being approved. So is time that runs on past now: it
    waits until it has been given; and the approver's own, which someone else must approve."""
    ids = (
        session.contributions.filter(
            status=Contribution.Status.PENDING,
            member__closed_at__isnull=True,
            checked_out_at__lte=timezone.now(),
        )
        .exclude(member__user=actor)
        .values_list("pk", flat=True)
    )
    return _approve_locked(_locked(list(ids)), actor=actor, action="approved_all")


def auto_approve_if_allowed(contribution: Contribution) -> None:
    """Organisations may approve QR check-ins automatically when they stayed inside the window
    and nothing about them needs a person's eye (a scan sent late from an offline phone does)."""
    organisation = contribution.session.activity.organisation
    if (
        organisation.auto_approve_checkins
        and contribution.method in QR_METHODS
        and not (
            contribution.auto_checked_out
            or contribution.outside_geofence
            or contribution.capped
            or contribution.over_capacity
            or contribution.synced_late
            or contribution.clock_disagreed
        )
        and contribution.checked_in_at >= contribution.session.starts_at - POSTER_GRACE
    ):
        try:
            with transaction.atomic():
                _approve_locked([contribution], actor=None, action="auto_approved")
        except GroupBudgetExhausted:
            # The check-out stands and the time waits for a coordinator, who will see why.
            contribution.refresh_from_db(fields=["status", "decided_by", "decided_at"])


def member_contributions_withdraw(*, member, actor) -> list[Contribution]:
    """The member is closing their account: their open check-in and the time still waiting for
    verification are withdrawn (rejected, with the reason in the audit trail), since no credits
    can reach a closed account. The caller's transaction holds the closure and this together."""
    ids = Contribution.objects.filter(member=member, status__in=UNDECIDED).values_list(
        "pk", flat=True
    )
    # Read again once locked: time approved meanwhile keeps its approval and its credits (the
    # account's closing gives them away with the rest of the balance).
    undecided = [c for c in _locked(list(ids)) if c.status in UNDECIDED]
    return _decide(
        undecided,
        Contribution.Status.REJECTED,
        "withdrawn_account_closed",
        actor=actor,
        reason=ACCOUNT_CLOSED_REASON,
    )
