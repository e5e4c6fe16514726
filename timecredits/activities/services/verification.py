"""Verifying contributions: approve, adjust, reject, approve a whole session, undo an approval,
and withdrawing the time of a member who closed their account.

Approval and the `earn` transfer it posts happen in one database transaction, and the transfer's
idempotency key is derived from the contribution, so approving twice, or at the same moment from
two phones, posts once. Undoing an approval posts the ledger's reversal of that transfer.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.db import retry_on_conflict
from timecredits.errors import Invalid
from timecredits.permissions import Action, require

from ..errors import GroupBudgetExhausted, MemberClosed, NotDecidable
from ..models import Contribution, ContributionEvent, Session
from ..tokens import POSTER_GRACE
from .earning import earn_post_many, earn_reverse

QR_METHODS = {Contribution.Method.POSTER, Contribution.Method.KIOSK}
UNDECIDED = [Contribution.Status.CHECKED_IN, Contribution.Status.PENDING]
# Stored in the audit trail as written, like the reasons coordinators type.
ACCOUNT_CLOSED_REASON = "The member closed their account."


def _record(contribution, **step) -> None:
    _event(contribution, **step).save()


def _event(
    contribution, *, actor, action, from_status, minutes_before=None, reason=""
) -> ContributionEvent:
    return ContributionEvent(
        contribution=contribution,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=contribution.status,
        minutes_before=minutes_before,
        minutes_after=contribution.minutes,
        reason=reason,
    )


def _require_reason(reason: str, message: str) -> None:
    """Adjusting, rejecting and undoing each need a reason, shown against the reason field."""
    if not (reason or "").strip():
        raise Invalid(message, detail=[{"field": "reason", "message": message}])


def _locked(contribution_ids) -> list[Contribution]:
    return list(
        Contribution.objects.select_for_update(no_key=True, of=("self",))
        .select_related("session__activity__organisation", "session__activity__programme", "member")
        .filter(pk__in=contribution_ids)
        .order_by("pk")
    )


def _approve_locked(contributions, *, actor, action="approved", reasons=None) -> list[Contribution]:
    now = timezone.now()
    to_approve = [c for c in contributions if c.status == Contribution.Status.PENDING]
    for c in to_approve:
        c.status = Contribution.Status.APPROVED
        c.decided_by, c.decided_at = actor, now
    Contribution.objects.bulk_update(to_approve, ["status", "decided_by", "decided_at"])
    ContributionEvent.objects.bulk_create(
        _event(
            c,
            actor=actor,
            action=action,
            from_status=Contribution.Status.PENDING,
            reason=(reasons or {}).get(c.pk, ""),
        )
        for c in to_approve
    )
    earn_post_many(contributions=[c for c in to_approve if c.minutes > 0], actor=actor)
    return to_approve


@retry_on_conflict
def contribution_approve(
    *, actor, contribution: Contribution, minutes: int | None = None, reason: str = ""
) -> Contribution:
    """Approve, optionally adjusting the minutes (which needs a reason). Approving an already
    approved contribution changes nothing and posts nothing."""
    require(
        actor,
        Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
        organisation=contribution.session.activity.organisation,
    )
    (locked,) = _locked([contribution.pk])
    if locked.status == Contribution.Status.APPROVED and minutes in (None, locked.minutes):
        return locked
    if locked.status != Contribution.Status.PENDING:
        raise NotDecidable()
    if locked.member.closed_at is not None:
        raise MemberClosed()
    if minutes is not None and minutes != locked.minutes:
        _require_reason(reason, _("Say why the time is changed."))
        if not 0 <= minutes <= locked.session.length_minutes:
            problem = _("Use from 0 to %(max)s minutes, the session's length.") % {
                "max": locked.session.length_minutes
            }
            raise Invalid(problem, detail=[{"field": "minutes", "message": problem}])
        before = locked.minutes
        locked.minutes = minutes
        locked.save(update_fields=["minutes"])
        _record(
            locked,
            actor=actor,
            action="adjusted",
            from_status=locked.status,
            minutes_before=before,
            reason=reason,
        )
    _approve_locked([locked], actor=actor)
    return locked


@retry_on_conflict
def contribution_reject(*, actor, contribution: Contribution, reason: str) -> Contribution:
    require(
        actor,
        Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
        organisation=contribution.session.activity.organisation,
    )
    _require_reason(reason, _("Say why this time is not approved."))
    (locked,) = _locked([contribution.pk])
    if locked.status != Contribution.Status.PENDING:
        raise NotDecidable()
    locked.status = Contribution.Status.REJECTED
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    _record(
        locked,
        actor=actor,
        action="rejected",
        from_status=Contribution.Status.PENDING,
        reason=reason,
    )
    return locked


@retry_on_conflict
def contribution_unapprove(*, actor, contribution: Contribution, reason: str) -> Contribution:
    """Undo an approval: the earn transfer is reversed and the contribution waits again."""
    require(
        actor,
        Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
        organisation=contribution.session.activity.organisation,
    )
    _require_reason(reason, _("Say why the approval is undone."))
    (locked,) = _locked([contribution.pk])
    if locked.status != Contribution.Status.APPROVED:
        raise NotDecidable(_("Only an approved contribution can be undone."), code="not_approved")
    if locked.minutes > 0:
        earn_reverse(contribution=locked, actor=actor, reason=reason)
    locked.status = Contribution.Status.PENDING
    locked.decided_by, locked.decided_at = None, None
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    _record(
        locked,
        actor=actor,
        action="unapproved",
        from_status=Contribution.Status.APPROVED,
        reason=reason,
    )
    return locked


@retry_on_conflict
def session_approve_all(*, actor, session: Session) -> list[Contribution]:
    """Approve every pending contribution of a session, posting their earnings in one batch.
    Time of a member who has closed their account is left out: it can earn nothing, and it must
    not stop everyone else's time from being approved."""
    require(
        actor, Action.ORGANISATION_CONTRIBUTIONS_VERIFY, organisation=session.activity.organisation
    )
    ids = session.contributions.filter(
        status=Contribution.Status.PENDING, member__closed_at__isnull=True
    ).values_list("pk", flat=True)
    return _approve_locked(_locked(list(ids)), actor=actor, action="approved_all")


def auto_approve_if_allowed(contribution: Contribution) -> None:
    """Organisations may approve QR check-ins automatically when they stayed inside the window
    and nothing about them needs a person's eye."""
    organisation = contribution.session.activity.organisation
    if (
        organisation.auto_approve_checkins
        and contribution.method in QR_METHODS
        and not (
            contribution.auto_checked_out
            or contribution.outside_geofence
            or contribution.capped
            or contribution.over_capacity
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
    withdrawn = _locked(list(ids))
    now = timezone.now()
    before = {c.pk: c.status for c in withdrawn}
    for c in withdrawn:
        c.status = Contribution.Status.REJECTED
        c.decided_by, c.decided_at = actor, now
    Contribution.objects.bulk_update(withdrawn, ["status", "decided_by", "decided_at"])
    ContributionEvent.objects.bulk_create(
        _event(
            c,
            actor=actor,
            action="withdrawn_account_closed",
            from_status=before[c.pk],
            reason=ACCOUNT_CLOSED_REASON,
        )
        for c in withdrawn
    )
    return withdrawn
