"""Deciding contributions: approve (optionally adjusting the minutes), reject, undo an approval,
approve a whole session; and the coordinator's queue of time waiting for a decision.

A decision locks the contribution, reading it once, and checks permission on what it read, in
one transaction that is retried whole on a deadlock.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.db import retry_on_conflict
from timecredits.errors import DomainError, Invalid, NotFound, PermissionDenied
from timecredits.permissions import Action, permitted_organisation, require

from ..selectors import (
    contribution_exists,
    organisation_contributions,
    session_get,
    sessions_waiting,
    verification_queue,
)
from ..services import verification
from ._sessions import coordinated_session

if TYPE_CHECKING:
    from ..models import Contribution

VERIFY = Action.ORGANISATION_CONTRIBUTIONS_VERIFY


def _verified_organisation(actor, organisation_id: int, *, hold=False):
    return permitted_organisation(actor, VERIFY, organisation_id, hold=hold)


DECISIONS = {
    "approve": verification.contribution_approve,
    "reject": verification.contribution_reject,
    "unapprove": verification.contribution_unapprove,
}


@retry_on_conflict
def _decide(
    decision: str, actor, contribution_id: int, *, organisation_id=None, session_id=None, **how
):
    """Lock the contribution, check that the actor verifies time at its organisation, and take
    the decision, in one transaction. Named from an organisation's or a session's page, the
    contribution must be theirs, and the permission on that page comes first."""
    if organisation_id is not None:
        _verified_organisation(actor, organisation_id, hold=True)
    elif session_id is not None:
        coordinated_session(actor, session_id)
    contribution = verification.contribution_lock(
        contribution_id=contribution_id, organisation_id=organisation_id, session_id=session_id
    )
    if organisation_id is None:
        organisation = contribution.session.activity.organisation
        require(actor, VERIFY, organisation=organisation, hold=True)
    return DECISIONS[decision](actor=actor, contribution=contribution, **how)


def contribution_approve(
    *, actor, contribution_id: int, minutes=None, reason: str = "", organisation_id=None
):
    """Approve, optionally adjusting the minutes (which needs a reason)."""
    return _decide(
        "approve",
        actor,
        contribution_id,
        organisation_id=organisation_id,
        minutes=minutes,
        reason=reason,
    )


def contribution_reject(*, actor, contribution_id: int, reason: str, organisation_id=None):
    return _decide("reject", actor, contribution_id, organisation_id=organisation_id, reason=reason)


def contribution_unapprove(*, actor, contribution_id: int, reason: str, session_id=None):
    """Undo an approval: the credits are reversed and the time waits for a decision again."""
    return _decide("unapprove", actor, contribution_id, session_id=session_id, reason=reason)


@retry_on_conflict
def session_approve_all(*, actor, session_id: int, organisation_id: int | None = None):
    """Approve every pending contribution of the session (of that organisation, if named), in
    one transaction that holds the approver's role (see `_decide`)."""
    if organisation_id is not None:
        _verified_organisation(actor, organisation_id, hold=True)
    session = session_get(session_id=session_id, organisation_id=organisation_id)
    if organisation_id is None:
        require(actor, VERIFY, organisation=session.activity.organisation, hold=True)
    return verification.session_approve_all(actor=actor, session=session)


MAX_BULK = 500


@dataclass
class BulkApproval:
    """What approving a selection did: the contributions approved now, those approved already
    (nothing changed), and those left as they were, each with why (`refused`: (id, the
    contribution or None when it is not this organisation's, the reason))."""

    approved: list["Contribution"] = field(default_factory=list)
    already: list["Contribution"] = field(default_factory=list)
    refused: list[tuple[int, "Contribution | None", str]] = field(default_factory=list)


@retry_on_conflict
def _approve_one(actor, contribution_id: int, organisation_id: int):
    """Approve one of the organisation's contributions, locked and read once, in a transaction
    of its own: (the contribution, how it went: "approved", "already" or the refusal). The
    actor's role is checked again, and held, in each: a coordinator removed halfway through a
    long selection approves nothing more once the removal commits."""
    _verified_organisation(actor, organisation_id, hold=True)
    contribution = verification.contribution_lock(
        contribution_id=contribution_id, organisation_id=organisation_id
    )
    if contribution.status == contribution.Status.APPROVED:
        return contribution, "already"
    try:
        # A savepoint of its own: a refusal undoes whatever it began, and nothing else.
        verification.contribution_approve(actor=actor, contribution=contribution)
    except DomainError as refused:
        return contribution, refused
    return contribution, "approved"


def contributions_approve(
    *, actor, organisation_id: int, contribution_ids: list[int]
) -> BulkApproval:
    """Approve the selected contributions as they stand, each in the path a single approval
    takes, so each posts its credits once however often it is sent. Permission is checked once,
    for the organisation; a contribution of another organisation, or one that cannot be approved
    (rejected, still checked in, the group's budget spent), is left as it was, and says why."""
    _verified_organisation(actor, organisation_id)
    ids = list(dict.fromkeys(contribution_ids))
    if not ids:
        raise Invalid(_("Choose the time to approve first."))
    if len(ids) > MAX_BULK:
        raise Invalid(_("Approve at most %(max)d at a time.") % {"max": MAX_BULK})
    result = BulkApproval()
    for index, contribution_id in enumerate(ids):
        try:
            contribution, outcome = _approve_one(actor, contribution_id, organisation_id)
        except PermissionDenied as refused:
            # The role was taken away partway: what was approved before stands, the rest waits.
            result.refused += [(left, None, str(refused.message)) for left in ids[index:]]
            break
        except NotFound:
            result.refused.append(
                (contribution_id, None, _("This is not time given at your sessions."))
            )
            continue
        if outcome == "approved":
            result.approved.append(contribution)
        elif outcome == "already":
            result.already.append(contribution)
        else:
            result.refused.append((contribution_id, contribution, str(outcome.message)))
    return result


# A page of the queue: whole sessions, oldest first, so that a group with thousands of people
# waiting still gets a page a phone can draw.
SESSIONS_PER_PAGE = 10


def verification_page(*, actor, organisation_id: int, page=1) -> dict:
    """The organisation, how many people's time waits for a decision (`waiting`), and the page
    `page` of the sessions it waits at (`sessions`) with that time (`queue`), each with
    `running` (it runs on past now: approved once it has been given) and `own` (the actor's own
    time, which someone else approves)."""
    organisation = _verified_organisation(actor, organisation_id)
    sessions = Paginator(sessions_waiting(organisation=organisation), SESSIONS_PER_PAGE)
    sessions = sessions.get_page(page)
    now = timezone.now()
    queue = list(verification_queue(organisation=organisation, sessions=list(sessions)))
    for contribution in queue:
        contribution.running = contribution.checked_out_at > now
        contribution.own = contribution.member.user_id == actor.pk
    waiting = verification_queue(organisation=organisation).count()
    return {"organisation": organisation, "queue": queue, "sessions": sessions, "waiting": waiting}


def decision_refused(*, actor, organisation_id: int, contribution_id: int, message: str):
    """A decision whose form was wrong: refused with the form's message, once the actor may
    verify here and the contribution is one of this organisation's (a 404 otherwise)."""
    _verified_organisation(actor, organisation_id)
    if not contribution_exists(contribution_id=contribution_id, organisation_id=organisation_id):
        raise NotFound(_("There is no such contribution."))
    raise Invalid(message)


def contributions_list(
    *, actor, organisation_id: int, status: str | None = None, limit: int = 500, offset: int = 0
):
    """Contributions at an organisation's sessions, for those who verify them: `limit` of them,
    after the first `offset`."""
    organisation = _verified_organisation(actor, organisation_id)
    return organisation_contributions(
        organisation=organisation, status=status, limit=limit, offset=offset
    )
