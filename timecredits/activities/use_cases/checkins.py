"""Check-ins: a member's scan at the door, check-out, their time and claims, their pass; a
coordinator's pass scan and the attendance they type."""

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.use_cases import redeeming_venues
from timecredits.credits.services.gifts import recipient_by_pass
from timecredits.errors import DomainError
from timecredits.members.passes import (
    ROTATION_SECONDS,
    STEPS_ACCEPTED,
    pass_url,
    seconds_until_rotation,
)
from timecredits.members.selectors import member_for_user
from timecredits.paging import page_of
from timecredits.permissions import Action, has_permission

from ..limits import CLAIM_WINDOW
from ..selectors import (
    claimable_sessions,
    member_contributions,
    member_session,
    member_session_contribution,
    open_checkin,
    session_contributions,
    session_credit_minutes,
    session_find,
    session_get,
    sessions_happening,
    sessions_later_in_series,
)
from ..services import checkins
from ..tokens import door_window
from ._members import acting_member
from ._sessions import coordinated_session

if TYPE_CHECKING:
    from ..models import Contribution, Session


@dataclass
class Scan:
    """A scanned session code: the session and the credits staying it all earns (in ledger
    minutes); the member's time there already (`existing`), if any; and once the member
    confirms, whether they were checked in now (`created`) or why the door refused them."""

    session: "Session"
    earns: int = 0
    existing: "Contribution | None" = None
    open_elsewhere: "Contribution | None" = None  # still checked in at another session
    created: bool = False
    refused: DomainError | None = None


def checkin_landing(*, session_id: int) -> Scan:
    """What a session's code shows someone not signed in yet (the token is checked first): the
    session, so they know where they are checking in once they sign in or join."""
    session = session_get(session_id=session_id)
    return Scan(session=session, earns=session_credit_minutes(session=session))


def checkin_scan(
    *, actor, session_id: int, token: str, confirmed: bool = False, latitude=None, longitude=None
) -> Scan:
    """The page a session's code opens: who scanned and where first (a 404 for either), then,
    when they confirm, the check-in, whose refusal the page shows in place of the form."""
    member = acting_member(actor, refuse_non_members=False)
    session = session_get(session_id=session_id)
    scan = Scan(session=session, earns=session_credit_minutes(session=session))
    if confirmed:
        try:
            # The row this tap made, or the one a tap a moment before made (a double tap).
            scan.existing, scan.created = checkins.checkin_by_token(
                member=member, token=token, latitude=latitude, longitude=longitude
            )
        except DomainError as refused:
            scan.refused = refused
        return scan
    scan.existing = member_session_contribution(member=member, session=session)
    if scan.existing is None:
        scan.open_elsewhere = open_checkin(member=member)
    return scan


def checkin_by_token(
    *,
    actor,
    token: str,
    session_id: int | None = None,
    latitude=None,
    longitude=None,
    scanned_at=None,
    idempotency_key: str | None = None,
):
    """A member checks in with a scanned code, now or as scanned offline at `scanned_at`: the
    contribution, and whether it is new."""
    return checkins.checkin_by_token(
        member=acting_member(actor, refuse_non_members=True),
        token=token,
        session_id=session_id,
        latitude=latitude,
        longitude=longitude,
        scanned_at=scanned_at,
        idempotency_key=idempotency_key,
    )


def checkout(*, actor, refuse_non_members: bool = True):
    return checkins.checkout(member=acting_member(actor, refuse_non_members=refuse_non_members))


def checkin_open(*, actor):
    """The member's open check-in, if they have one."""
    return open_checkin(member=acting_member(actor, refuse_non_members=False))


def my_contributions(*, actor, refuse_non_members: bool = True, limit: int = 50, offset: int = 0):
    member = acting_member(actor, refuse_non_members=refuse_non_members)
    return list(member_contributions(member=member, limit=limit, offset=offset))


# How many of a member's contributions one page of "Your time given" shows.
CONTRIBUTIONS_PAGE = 50


def contributions_page(*, actor, page: int = 1) -> dict:
    """One page of the member's time, newest first, with the numbers of the pages `older` and
    `newer` where there are some; and on the first, a few recent sessions they might claim
    time at."""
    member = acting_member(actor, refuse_non_members=False)
    found = page_of(
        partial(member_contributions, member=member), page=page, size=CONTRIBUTIONS_PAGE
    )
    return {
        "contributions": found.rows,
        "older": found.older,
        "newer": found.newer,
        "claimable": claimable_sessions(member=member, limit=5) if found.newer is None else [],
    }


@dataclass
class ClaimPage:
    offered: list  # the recent sessions the form offers
    chosen: "Session | None" = None  # the session the link asked for, if it can be claimed
    already: "Session | None" = None  # the session the link asked for, where they have time
    too_late: bool = False  # the session the link asked for is older than the claim window


def claim_page(*, actor, chosen_session_id: int | None = None) -> ClaimPage:
    """The claim form's sessions: recent ones, and first the one a link chose if it can be
    claimed; if the member has time there already, that session as `already`."""
    member = acting_member(actor, refuse_non_members=False)
    page = ClaimPage(offered=claimable_sessions(member=member))
    if chosen_session_id is not None:
        found = claimable_sessions(member=member, session_id=chosen_session_id)
        if found:
            page.chosen = found[0]
            if page.chosen not in page.offered:
                page.offered.insert(0, page.chosen)
        else:
            session = session_find(session_id=chosen_session_id)
            if session is not None and session.activity.programme_id == member.programme_id:
                if member_session_contribution(member=member, session=session) is not None:
                    page.already = session
                else:
                    page.too_late = session.starts_at < timezone.now() - CLAIM_WINDOW
    return page


def contribution_claim(
    *, actor, session_id: int, start, end, reason: str = "", refuse_non_members: bool = True
):
    """A member claims time at a past session they came to; a coordinator verifies it."""
    member = acting_member(actor, refuse_non_members=refuse_non_members)
    return checkins.claim(
        member=member,
        session=session_get(session_id=session_id),
        start=start,
        end=end,
        reason=reason,
    )


@dataclass(frozen=True)
class MemberSession:
    """A session as its programme's members see it: what it earns, and whether they can check in
    at it now (the door opens half an hour before it starts)."""

    session: "Session"
    earns: int
    open_now: bool
    mine: "Contribution | None" = None  # their time at it, once they have some


def member_session_page(*, actor, session_id: int) -> MemberSession:
    member = acting_member(actor, refuse_non_members=False)
    session = member_session(member=member, session_id=session_id)
    opens, _closes = door_window(session.starts_at, session.ends_at)
    mine = member_session_contribution(member=member, session=session)
    return MemberSession(
        session=session,
        earns=session_credit_minutes(session=session),
        # A member is asked to scan until the session ends, not in the half hour after it, and
        # not once they have time at it.
        open_now=mine is None
        and session.cancelled_at is None
        and opens <= timezone.now() < session.ends_at,
        mine=mine,
    )


def my_pass(*, actor) -> dict:
    """The member's rotating pass, as the URL its QR code carries, and how long it has on screen;
    with their card's fixed pass, which the page keeps for when the phone is offline (a phone's
    code is refused a minute after it appeared, a card's works until the card is replaced)."""
    member = acting_member(actor, refuse_non_members=False)
    seconds_left = seconds_until_rotation(timezone.now())
    return {
        "member": member,
        "url": pass_url(member, rotating=True),
        "card_url": pass_url(member),
        "seconds_left": seconds_left,
        "rotation_seconds": ROTATION_SECONDS,
        "valid_seconds": ROTATION_SECONDS * STEPS_ACCEPTED,
    }


def _sessions_attended_by(actor) -> list:
    """The sessions happening now at which the actor records attendance."""
    return [
        s
        for s in sessions_happening(now=timezone.now())
        if has_permission(
            actor, Action.ORGANISATION_ATTENDANCE, organisation=s.activity.organisation
        )
    ]


@dataclass
class PassScanned:
    """Where a scanned member's pass leads: a coordinator's sessions happening now, the venues
    where the actor charges passes, or, for another member, the gift form (`give_to` a code)."""

    sessions: list = field(default_factory=list)
    venues: list = field(default_factory=list)
    give_to: str = ""


def pass_scanned(*, actor, pass_token: str) -> PassScanned:
    """Raises the refusal when the actor could only give to the member, and cannot."""
    page = PassScanned(sessions=_sessions_attended_by(actor), venues=redeeming_venues(actor=actor))
    own = member_for_user(user=actor)
    if not page.sessions and not page.venues and own is not None:
        recipient = recipient_by_pass(pass_token=pass_token)
        if recipient.pk == own.pk:
            raise DomainError(_("This is your own pass. Show it to a coordinator or venue staff."))
        page.give_to = recipient.code
    return page


def pass_checkin_now(*, actor, pass_token: str, session_id: str):
    """A coordinator checks the scanned member in at one of their sessions happening now."""
    session = next((s for s in _sessions_attended_by(actor) if str(s.pk) == session_id), None)
    if session is None:
        raise DomainError(_("Choose one of your sessions happening now."))
    contribution, _created = checkins.checkin_by_pass(
        actor=actor, session=session, pass_token=pass_token
    )
    return contribution


def checkin_by_pass(*, actor, session_id: int, **scan):
    """A coordinator checks a member in at their session by scanning their card or phone, now or
    as scanned offline: `scan` is the pass_token, and scanned_at and idempotency_key if given, as
    `checkins.checkin_by_pass` takes them."""
    session = coordinated_session(actor, session_id)
    return checkins.checkin_by_pass(actor=actor, session=session, **scan)


def attendance_add_by_codes(
    *, actor, session_id: int, member_codes: list[str], minutes: int | None = None
):
    """The permission comes first, so that someone who may not record attendance here cannot
    learn which codes belong to members."""
    session = coordinated_session(actor, session_id)
    return checkins.attendance_add_by_codes(
        actor=actor, session=session, member_codes=member_codes, minutes=minutes
    )


@dataclass
class SessionPage:
    """A coordinator's session: who came, how many are recorded there (less the time that was
    rejected), and whether the actor may also verify the time."""

    session: "Session"
    contributions: list
    can_verify: bool
    people: int = 0
    # Cards and passes can be scanned at the door: from half an hour before it starts until
    # half an hour after it ends, unless it is cancelled (as the pass check-in allows).
    door_open: bool = False
    door_opens: object = None  # when the door opens, while that is to come
    # Attendance is added by hand once the session has started: time not yet given is not paid.
    started: bool = True
    # Those who run the activities may cancel it before it starts, with the later ones of its
    # series (how many there are), or put it back.
    can_manage: bool = False
    later_in_series: int = 0


def _session_page(actor, session) -> SessionPage:
    contributions = list(session_contributions(session=session))
    now, (opens, closes) = timezone.now(), door_window(session.starts_at, session.ends_at)
    held = session.cancelled_at is None
    organisation = session.activity.organisation
    can_manage = has_permission(
        actor, Action.ORGANISATION_ACTIVITIES_MANAGE, organisation=organisation
    )
    return SessionPage(
        session=session,
        contributions=contributions,
        door_open=held and opens <= now <= closes,
        door_opens=opens if held and now < opens else None,
        started=session.starts_at <= now,
        people=sum(1 for c in contributions if c.status != c.Status.REJECTED),
        can_verify=has_permission(
            actor, Action.ORGANISATION_CONTRIBUTIONS_VERIFY, organisation=organisation
        ),
        can_manage=can_manage,
        later_in_series=(
            sessions_later_in_series(session=session).count() if can_manage and held else 0
        ),
    )


def session_page(*, actor, session_id: int) -> SessionPage:
    """A coordinator's session: who came, and whether they may also verify the time."""
    return _session_page(actor, coordinated_session(actor, session_id))


@dataclass
class Attendance:
    """The people added, or why none were, with the session's page to show that on."""

    added: list
    refused: DomainError | None = None
    page: SessionPage | None = None


def session_attendance(
    *, actor, session_id: int, member_codes: list[str], minutes: int | None = None
) -> Attendance:
    """The codes a coordinator typed on the session's page: all of them are added, or none."""
    session = coordinated_session(actor, session_id)
    try:
        added = checkins.attendance_add_by_codes(
            actor=actor, session=session, member_codes=member_codes, minutes=minutes
        )
    except DomainError as refused:
        return Attendance(added=[], refused=refused, page=_session_page(actor, session))
    return Attendance(added=added)
