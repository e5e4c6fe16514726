"""From a scan at the door to a contribution: check-in, check-out, passes, attendance, claims.

The rules: one open check-in per member (a partial unique index), one contribution per member
and session (unique), no overlapping time (checked under a lock on the member's row), minutes
capped at the session's length and the programme's daily cap and rounded by its policy. Soft
rules flag for review rather than refuse: far from a fenced session, over the daily cap, or
checking in to a session already at its capacity.

A scan made offline arrives later with the moment it was scanned (`scanned_at`): the code is
judged as it stood then, up to a day back and never ahead of the server's clock beyond a little
skew, the check-in is recorded at that moment, and one that arrives more than the skew late is
flagged `synced_late` for the coordinator. The phone's idempotency key is kept on the row, so a
replay finds it however late it comes; a replay without one finds the member's row at the session.
A kept scan of a changing code (a door screen's, a phone pass's) whose phone's clock disagrees with
the code's own time is flagged, not trusted: it is recorded when the code was shown, flagged
`clock_disagreed`.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timecredits.db import retry_on_conflict
from timecredits.errors import Invalid, NotFound, Problems
from timecredits.members.passes import (
    PassExpired,
    check_pass_version,
    pass_shown_at,
    pass_ticket,
    read_pass_token,
)
from timecredits.members.selectors import (
    member_lock,
    member_open,
    members_lock,
    members_open_by_code,
)
from timecredits.ratelimit import rate_limit

from ..errors import (
    AlreadyCheckedInElsewhere,
    CheckinKeyReused,
    NotCheckedIn,
    Overlapping,
    ScanInFuture,
    ScanTooOld,
    SessionCancelled,
    SessionNotOpen,
    SessionOver,
    TokenExpired,
    WrongProgramme,
    WrongSession,
)
from ..limits import CLAIM_WINDOW
from ..models import Contribution, Session
from ..tokens import (
    checkin_code_shown_at,
    checkin_token_ticket,
    door_window,
    read_checkin_token,
)
from .events import event_record

if TYPE_CHECKING:
    from timecredits.members.models import Member

CHECKINS_PER_MINUTE = 10
# How far back an offline scan may be sent, and how far a phone's clock may run ahead of ours
# (also how late a scan may arrive before it is flagged as synced late).
SCAN_MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=2)


def round_minutes(minutes: int, granularity: int) -> int:
    """Round to the nearest multiple of the programme's granularity, halves up."""
    return ((minutes + granularity // 2) // granularity) * granularity


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (lat1, lon1, lat2, lon2)))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def _outside_geofence(session: Session, latitude, longitude) -> bool:
    """Flag (never refuse) a check-in far from a fenced session, or one that gives no usable
    position there: otherwise leaving the position out would pass for being at the door."""
    if None in (session.latitude, session.longitude, session.radius_m):
        return False
    try:
        position = (float(latitude), float(longitude))
    except (TypeError, ValueError):
        return True
    if not all(math.isfinite(p) for p in position) or abs(position[0]) > 90:
        return True
    return _distance_m(session.latitude, session.longitude, *position) > session.radius_m


def _over_capacity(session: Session) -> bool:
    """Flag (never refuse) a check-in once the session is full: the door is no place to turn a
    volunteer away, and the coordinator sees why when verifying. The session's row lock makes
    the count exact when many arrive at once; sessions without a capacity take no lock."""
    if session.capacity is None:
        return False
    Session.objects.select_for_update(no_key=True).filter(pk=session.pk).values_list("pk").first()
    taken = (
        Contribution.objects.filter(session=session)
        .exclude(status=Contribution.Status.REJECTED)
        .count()
    )
    return taken >= session.capacity


def _lock_member(member):
    """Serialise one member's contribution writes, so overlap checks cannot race."""
    return member_lock(member_id=member.pk)


def _overlaps(member, start: datetime, end: datetime) -> bool:
    """Does [start, end) meet any of the member's recorded time? An open check-in runs on."""
    return (
        Contribution.objects.filter(member=member, checked_in_at__lt=end)
        .exclude(status=Contribution.Status.REJECTED)
        .filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=start))
        .exists()
    )


def earned_minutes(
    *, session: Session, member: "Member", start: datetime, end: datetime, exclude_id=None
) -> tuple[int, bool]:
    """Minutes a stay from start to end earns, and whether the daily cap reduced them."""
    programme = session.activity.programme
    if session.credit_rule == Session.CreditRule.FIXED:
        minutes = session.fixed_minutes
    else:
        # In UTC: two moments in one zone subtract as clock times, which miss the hour the
        # clocks change by on the nights they do.
        left = min(end, session.ends_at).astimezone(UTC)
        stayed = left - max(start, session.starts_at).astimezone(UTC)
        raw = max(0, int(stayed.total_seconds() // 60))
        minutes = min(round_minutes(raw, programme.rounding_minutes), session.length_minutes)
    cap = programme.daily_cap_minutes
    if cap is None:
        return minutes, False
    day = timezone.localtime(start).date()
    used = (
        Contribution.objects.filter(
            member=member,
            checked_in_at__date=day,
            status__in=[Contribution.Status.PENDING, Contribution.Status.APPROVED],
        )
        .exclude(pk=exclude_id)
        .aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    allowed = max(0, cap - used)
    return min(minutes, allowed), minutes > allowed


def _refuse_cancelled(session: Session) -> None:
    """No time is recorded at a cancelled session, however it arrives."""
    if session.cancelled_at is not None:
        raise SessionCancelled()


def _refuse_cancelled_meanwhile(session: Session) -> None:
    """Called once the time is written, in its transaction: the session is held FOR KEY SHARE
    until that ends, so a cancellation (FOR UPDATE) waits for it and then sees the time, and one
    that locked the session first is waited for and seen here, undoing this. Django's foreign
    keys are deferred, so the row written takes no lock on its session before commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cancelled_at FROM {Session._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608 - the table's own name
                [session.pk],
            )
            (cancelled_at,) = cursor.fetchone()
    else:  # SQLite: one writer at a time already
        cancelled_at = Session.objects.values_list("cancelled_at", flat=True).get(pk=session.pk)
    if cancelled_at is not None:
        raise SessionCancelled()


def _session_for_member(session_id: int, member: "Member") -> Session:
    session = (
        Session.objects.select_related("activity__programme", "activity__organisation")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound(_("This session no longer exists."), code="session_not_found")
    if session.cancelled_at is not None:
        raise SessionCancelled()
    if session.activity.programme_id != member.programme_id:
        raise WrongProgramme()
    return session


def scan_moment(scanned_at: datetime | None, *, now: datetime) -> tuple[datetime, bool]:
    """When a code was scanned (now, unless the phone says when), and whether it reached us late.
    A moment ahead of ours within the skew is taken as now."""
    if scanned_at is None:
        return now, False
    if scanned_at > now + CLOCK_SKEW:
        raise ScanInFuture(detail={"scanned_at": scanned_at.isoformat(), "now": now.isoformat()})
    if scanned_at < now - SCAN_MAX_AGE:
        raise ScanTooOld(detail={"scanned_at": scanned_at.isoformat(), "now": now.isoformat()})
    at = min(scanned_at, now)
    return at, now - at > CLOCK_SKEW


@dataclass(frozen=True)
class Scan:
    """A code as it stood when scanned: what it names, the moment to record, whether it reached
    us late, and whether the phone's clock disagreed with the code."""

    ticket: object
    at: datetime
    late: bool = False
    clock_disagreed: bool = False


def read_scan(read, shown_at, token: str, *, scanned_at: datetime | None, now: datetime) -> Scan:
    """`read(token, now=)` at the moment it was scanned (`scan_moment`). A kept scan (late) of
    a changing code that had changed by the phone's clock, though the code itself was shown
    (`shown_at(token)`) within the last day, is recorded when the code was shown and flagged
    for the coordinator, who decides on it. The phone says itself when it scanned, so a scan
    said to be late proves no one was there (nor did it before: a late scan could always name
    the code's own time); what holds is that such a scan is never approved without a person.
    A scan sent at once with a code that has changed is refused."""
    at, late = scan_moment(scanned_at, now=now)
    try:
        return Scan(read(token, now=at), at, late)
    except (TokenExpired, PassExpired):
        shown = shown_at(token)
        if not late or shown is None or not now - SCAN_MAX_AGE <= shown <= now:
            raise
    return Scan(read(token, now=shown), shown, late, clock_disagreed=True)


def _replayed(*, member_id: int, session_id: int, key: str | None) -> Contribution | None:
    """The check-in an earlier send of this key made, if any; the key names one session."""
    if not key:
        return None
    earlier = Contribution.objects.filter(member_id=member_id, checkin_key=key).first()
    if earlier is not None and earlier.session_id != session_id:
        raise CheckinKeyReused()
    return earlier


def _open_contribution(
    *, actor, member, session, method, scan: Scan, key=None, latitude=None, longitude=None
):
    """Check the member in when `scan` says. A scan that arrives late for a session already
    over is recorded checked out at the session's end, as a forgotten check-out would have
    been: it cannot stand open beside the member's check-ins since."""
    at, late = scan.at, scan.late
    member = _lock_member(member)
    existing = Contribution.objects.filter(member=member, session=session).first()
    if existing is not None:
        return existing, False
    ended = late and session.ends_at <= timezone.now()
    if (
        not ended
        and Contribution.objects.filter(
            member=member, status=Contribution.Status.CHECKED_IN
        ).exists()
    ):
        raise AlreadyCheckedInElsewhere()
    until = max(session.ends_at, at + timedelta(seconds=1)) if ended else at + timedelta(seconds=1)
    if _overlaps(member, at, until):
        raise Overlapping()
    closed = {}
    if ended:
        minutes, capped = earned_minutes(session=session, member=member, start=at, end=until)
        closed = {
            "status": Contribution.Status.PENDING,
            "checked_out_at": max(session.ends_at, at),
            "minutes": minutes,
            "capped": capped,
            "auto_checked_out": True,
        }
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                member=member,
                session=session,
                method=method,
                checked_in_at=at,
                outside_geofence=_outside_geofence(session, latitude, longitude),
                over_capacity=_over_capacity(session),
                synced_late=late,
                clock_disagreed=scan.clock_disagreed,
                checkin_key=key or "",
                **closed,
            )
    except IntegrityError as raced:  # the same scan arriving twice at once
        existing = Contribution.objects.filter(member=member, session=session).first()
        if existing is None:
            raise AlreadyCheckedInElsewhere() from raced
        return existing, False
    _refuse_cancelled_meanwhile(session)
    event_record(contribution, actor=actor, action=f"checked_in_{method}")
    return contribution, True


@retry_on_conflict
def checkin_by_token(
    *,
    member: "Member",
    token: str,
    session_id: int | None = None,
    latitude=None,
    longitude=None,
    scanned_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Contribution, bool]:
    """A member scanned a poster or kiosk code, now or (offline) at `scanned_at`. Returns the
    contribution and whether it is new; scanning again at the same session, or sending the same
    key again, returns the same contribution."""
    rate_limit(f"checkin:{member.pk}", limit=CHECKINS_PER_MINUTE, period=60)
    now = timezone.now()
    named = checkin_token_ticket(token)  # rejects forgeries before any query
    if session_id is not None and session_id != named.session_id:
        raise WrongSession()
    earlier = _replayed(member_id=member.pk, session_id=named.session_id, key=idempotency_key)
    if earlier is not None:
        return earlier, False
    scan = read_scan(
        read_checkin_token, checkin_code_shown_at, token, scanned_at=scanned_at, now=now
    )
    session = _session_for_member(scan.ticket.session_id, member)
    return _open_contribution(
        actor=member.user,
        member=member,
        session=session,
        method=scan.ticket.mode,
        scan=scan,
        key=idempotency_key,
        latitude=latitude,
        longitude=longitude,
    )


@retry_on_conflict
def checkin_by_pass(
    *,
    actor,
    session: Session,
    pass_token: str,
    scanned_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Contribution, bool]:
    """A coordinator scanned a member's card or phone at their session, now or (offline) at
    `scanned_at`; a replay returns the same contribution."""
    rate_limit(f"pass-scan:{actor.pk}", limit=120, period=60)
    _refuse_cancelled(session)
    now = timezone.now()
    named = pass_ticket(pass_token)  # rejects forgeries before any query
    earlier = _replayed(member_id=named.member_id, session_id=session.pk, key=idempotency_key)
    if earlier is not None:
        return earlier, False
    scan = read_scan(read_pass_token, pass_shown_at, pass_token, scanned_at=scanned_at, now=now)
    ticket = scan.ticket
    member = member_open(member_id=ticket.member_id)
    if member is None:
        raise NotFound(_("This member's account is closed."), code="member_not_found")
    check_pass_version(ticket, member.pass_version)
    if session.activity.programme_id != member.programme_id:
        raise WrongProgramme(_("This member belongs to another programme."))
    opens, closes = door_window(session.starts_at, session.ends_at)
    if scan.at < opens:
        raise SessionNotOpen.at(opens)
    if scan.at > closes:
        raise SessionOver()
    return _open_contribution(
        actor=actor, member=member, session=session, method="pass", scan=scan, key=idempotency_key
    )


def _close(
    contribution: Contribution, *, actor, at: datetime, action: str, auto: bool
) -> Contribution:
    session = contribution.session
    minutes, capped = earned_minutes(
        session=session,
        member=contribution.member,
        start=contribution.checked_in_at,
        end=at,
        exclude_id=contribution.pk,
    )
    contribution.checked_out_at = max(at, contribution.checked_in_at)
    contribution.minutes = minutes
    contribution.capped = capped
    contribution.auto_checked_out = auto
    contribution.status = Contribution.Status.PENDING
    contribution.save(
        update_fields=["checked_out_at", "minutes", "capped", "auto_checked_out", "status"]
    )
    event_record(
        contribution, actor=actor, action=action, from_status=Contribution.Status.CHECKED_IN
    )
    from .verification import auto_approve_if_allowed

    auto_approve_if_allowed(contribution)
    return contribution


@retry_on_conflict
def checkout(*, member: "Member") -> Contribution:
    """The member leaves: their open check-in becomes time waiting for verification."""
    _lock_member(member)
    contribution = (
        Contribution.objects.select_for_update(no_key=True, of=("self",))
        .select_related("session__activity__programme", "session__activity__organisation", "member")
        .filter(member=member, status=Contribution.Status.CHECKED_IN)
        .first()
    )
    if contribution is None:
        raise NotCheckedIn()
    return _close(
        contribution, actor=member.user, at=timezone.now(), action="checked_out", auto=False
    )


def checkouts_due(*, now: datetime | None = None) -> int:
    """Check out everyone still checked in at a session that has ended, flagged for review."""
    now = now or timezone.now()
    due = Contribution.objects.filter(
        status=Contribution.Status.CHECKED_IN, session__ends_at__lte=now
    ).values_list("pk", flat=True)
    return sum(_checkout_due(contribution_id) for contribution_id in due)


@retry_on_conflict
def _checkout_due(contribution_id: int) -> bool:
    """Check out one contribution found due, in its own transaction; False if it left already."""
    contribution = (
        Contribution.objects.select_for_update(no_key=True, of=("self",))
        .select_related("session__activity__programme", "session__activity__organisation", "member")
        .filter(pk=contribution_id, status=Contribution.Status.CHECKED_IN)
        .first()
    )
    if contribution is None:  # checked out meanwhile
        return False
    _close(
        contribution,
        actor=None,
        at=contribution.session.ends_at,
        action="auto_checked_out",
        auto=True,
    )
    return True


def _add_pending(
    *, actor, member, session, method, start, end, reason="", already=None
) -> Contribution:
    """Record time waiting for verification; `already` says, to whoever asked, that the member
    has time at the session."""
    member = _lock_member(member)
    if Contribution.objects.filter(member=member, session=session).exists():
        raise Overlapping(
            already or _("This member already has time recorded at this session."),
            code="already_recorded",
        )
    if _overlaps(member, start, end):
        raise Overlapping()
    minutes, capped = earned_minutes(session=session, member=member, start=start, end=end)
    contribution = Contribution.objects.create(
        member=member,
        session=session,
        method=method,
        checked_in_at=start,
        checked_out_at=end,
        minutes=minutes,
        capped=capped,
        status=Contribution.Status.PENDING,
        note=reason,
    )
    _refuse_cancelled_meanwhile(session)
    event_record(contribution, actor=actor, action=method, reason=reason)
    return contribution


def _attendance_minutes(session: Session, minutes: int | None) -> int:
    """Hand-recorded time runs from the session's start: its whole length unless told less; at
    least what the programme's rounding keeps (less would round to nothing), and not at all
    at a session that earns a fixed amount each."""
    if minutes is None:
        return session.length_minutes
    if session.credit_rule == Session.CreditRule.FIXED:
        problem = _("This session earns a fixed amount each: leave the time out.")
        raise Invalid(problem, detail=[{"field": "minutes", "message": problem, "fixed": True}])
    step = session.activity.programme.rounding_minutes
    least, most = step - step // 2, session.length_minutes
    if not least <= minutes <= most:
        problem = _("Use from %(least)d to %(most)d minutes, the session's length.") % {
            "least": least,
            "most": most,
        }
        raise Invalid(
            problem,
            detail=[{"field": "minutes", "message": problem, "least": least, "most": most}],
        )
    return minutes


@retry_on_conflict
def attendance_add(
    *, actor, session: Session, members: list["Member"], minutes: int | None = None
) -> list[Contribution]:
    """A coordinator records who came, by hand; each lands as pending, for the whole session
    unless `minutes` says less. One refusal refuses the whole list, so nothing is half-added."""
    _refuse_cancelled(session)
    if session.starts_at > timezone.now():
        # Time not given yet: approved, it would be paid for now.
        raise SessionNotOpen.at(
            session.starts_at,
            today=_("You can add attendance once the session starts, at %(time)s."),
            another_day=_(
                "You can add attendance once the session starts, on %(day)s at %(time)s."
            ),
        )
    end = session.starts_at + timedelta(minutes=_attendance_minutes(session, minutes))
    outsiders = [m.code for m in members if m.programme_id != session.activity.programme_id]
    if outsiders:
        raise WrongProgramme(
            _("Some members belong to another programme."), detail={"members": outsiders}
        )
    # Every member locked before anyone's time is written (`timecredits.db`'s order): a
    # contribution written takes the reports' facts lock, shared, and a member locked after it
    # could be held by a check-in that waits for that lock behind a session being moved.
    members_lock(member_ids=[m.pk for m in members])
    added, clashes = [], []
    for m in sorted(members, key=lambda m: m.pk):
        try:
            added.append(
                _add_pending(
                    actor=actor,
                    member=m,
                    session=session,
                    method="manual",
                    start=session.starts_at,
                    end=end,
                )
            )
        except Overlapping as refused:
            clashes.append((m.code, refused))
    if clashes:
        # Say whose time clashes, all of them at once, so the coordinator can take them off the
        # list in one go; raising undoes those added meanwhile.
        refused = clashes[0][1]
        if len(clashes) > 1:
            refused = Overlapping(
                _("These members already have time recorded at this session, or that overlaps it."),
                code=refused.code,
            )
        refused.detail = {"members": [code for code, _ in clashes]}
        raise refused
    return added


def attendance_add_by_codes(
    *, actor, session: Session, member_codes: list[str], minutes: int | None = None
) -> list[Contribution]:
    """Attendance from the member codes a coordinator typed. Check the permission first, so
    someone who may not record attendance here cannot learn which codes belong to members."""
    codes = {code.strip().upper() for code in member_codes}
    members = members_open_by_code(codes=codes)
    missing = sorted(codes - {m.code for m in members})
    if missing:
        raise NotFound(
            _("Some member codes were not found."),
            code="member_not_found",
            detail={"member_codes": missing},
        )
    return attendance_add(actor=actor, session=session, members=members, minutes=minutes)


@retry_on_conflict
def claim(
    *, member: "Member", session: Session, start: datetime, end: datetime, reason: str = ""
) -> Contribution:
    """A member claims time at a past session they attended; a coordinator verifies it."""
    if session.activity.programme_id != member.programme_id:
        raise WrongProgramme()
    _refuse_cancelled(session)
    now = timezone.now()
    if session.starts_at > now:
        raise SessionNotOpen(_("You can claim time only for a session that has started."))
    if session.starts_at < now - CLAIM_WINDOW:
        raise SessionOver(
            _(
                "You can claim time only for sessions in the last %(days)d days. Ask the "
                "group's coordinator to add it."
            )
            % {"days": CLAIM_WINDOW.days},
            code="claim_too_late",
        )
    problems = Problems()
    if end <= start:
        problems.add("end", _("The end must be after the start."))
    if start < session.starts_at or end > session.ends_at:
        problems.add("start", _("Claim time within the session's hours."))
    elif end > now:
        # The session is still running: time after now has not been given yet.
        problems.add(
            "end",
            _("Claim time only up to now, %(time)s.")
            % {"time": date_format(timezone.localtime(now), "H:i")},
        )
    problems.raise_if_any()
    minutes, capped = earned_minutes(session=session, member=member, start=start, end=end)
    if minutes == 0 and not capped:
        # Time is rounded to the programme's step, halves up: less than half a step is none.
        step = session.activity.programme.rounding_minutes
        least = step - step // 2
        message = ngettext(
            "Claim at least %(least)d minute: less counts as no time.",
            "Claim at least %(least)d minutes: less counts as no time.",
            least,
        ) % {"least": least}
        raise Invalid(message, detail=[{"field": "end", "message": message}])
    return _add_pending(
        actor=member.user,
        member=member,
        session=session,
        method="claim",
        start=start,
        end=end,
        reason=reason,
        already=_("You already have time recorded at this session. It is in Your time given."),
    )
