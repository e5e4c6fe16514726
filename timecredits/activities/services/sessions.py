"""Creating activities and sessions, including a run of weekly or fortnightly ones; cancelling a
session, or the rest of its series, before it starts (and putting one back)."""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.selectors import is_approved_in
from timecredits.errors import Problems
from timecredits.text import one_line

from ..errors import SessionHasTime, SessionStarted
from ..limits import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_FIXED_MINUTES,
    MAX_REPEATS,
    MAX_SESSION_LENGTH,
)
from ..models import Activity, Contribution, Session
from ..selectors import sessions_later_in_series


@transaction.atomic
def activity_create(
    *, organisation, programme, title: str, type: str, category: str = "", description: str = ""
) -> Activity:
    problems = Problems()
    if not (title or "").strip():
        problems.add("title", _("Give the activity a title."))
    if type not in Activity.Type.values:
        problems.add("type", _("Choose a type of activity."))
    if not is_approved_in(organisation=organisation, programme=programme):
        problems.add("programme", _("Your organisation is not approved in this programme."))
    problems.raise_if_any()
    return Activity.objects.create(
        organisation=organisation,
        programme=programme,
        title=one_line(title),
        type=type,
        category=category,
        description=description,
    )


@transaction.atomic
def sessions_create(
    *,
    activity: Activity,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    latitude=None,
    longitude=None,
    radius_m: int | None = None,
    capacity: int | None = None,
    credit_rule: str = Session.CreditRule.PER_HOUR,
    fixed_minutes: int | None = None,
    repeat_every_weeks: int | None = None,
    repeat_count: int = 1,
) -> list[Session]:
    """One session, or a series repeating every one or two weeks at the same local time."""
    problems = Problems()
    if ends_at <= starts_at:
        problems.add("ends_at", _("The session must end after it starts."))
    elif ends_at - starts_at > MAX_SESSION_LENGTH:
        problems.add(
            "ends_at",
            _("A session lasts at most %(hours)s hours.")
            % {"hours": int(MAX_SESSION_LENGTH.total_seconds() // 3600)},
            type="session_too_long",
        )
    # The last of a series too: a fortnightly 52 from late 2099 ran into 2101. Counted in a
    # step that is allowed (any other is refused below), and refused past the calendar's end:
    # a step of two hundred million weeks overflowed, a 500.
    repeats = min(max(repeat_count, 1), MAX_REPEATS) - 1
    step = timedelta(weeks=repeat_every_weeks if repeat_every_weeks in (1, 2) else 1)
    try:
        beyond = (ends_at + repeats * step).year > LAST_YEAR
    except OverflowError:
        beyond = True
    if starts_at.year < FIRST_YEAR or beyond:
        problems.add(
            "starts_at",
            _("Sessions run between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            type="out_of_range",
        )
    if credit_rule not in Session.CreditRule.values:
        problems.add("credit_rule", _("Choose how credits are earned."))
    if credit_rule == Session.CreditRule.FIXED and not (fixed_minutes and fixed_minutes > 0):
        problems.add("fixed_minutes", _("Say how much time each person earns."))
    elif fixed_minutes is not None and fixed_minutes > MAX_FIXED_MINUTES:
        problems.add(
            "fixed_minutes",
            _("Give at most %(hours)s hours: a day.") % {"hours": MAX_FIXED_MINUTES // 60},
        )
    if repeat_every_weeks not in (None, 1, 2):
        problems.add("repeat_every_weeks", _("Repeat weekly or fortnightly."))
    if repeat_every_weeks is None and repeat_count > 1:
        # "Does not repeat" and three sessions: made a weekly series nobody asked for.
        problems.add(
            "repeat_every_weeks",
            _("Choose how often they repeat, or add one session."),
        )
    if not 1 <= repeat_count <= MAX_REPEATS:
        problems.add(
            "repeat_count", _("Create between 1 and %(max)s sessions.") % {"max": MAX_REPEATS}
        )
    if (latitude is None) != (longitude is None):
        problems.add("latitude", _("Give both latitude and longitude, or neither."))
    problems.raise_if_any()
    series = uuid.uuid4() if repeat_count > 1 else None
    step = timedelta(weeks=repeat_every_weeks or 1)
    length = ends_at - starts_at
    # Repeat at the same wall-clock time, so a 10:00 session stays at 10:00 across a clock change.
    local_start = timezone.localtime(starts_at).replace(tzinfo=None)
    return Session.objects.bulk_create(
        Session(
            activity=activity,
            starts_at=timezone.make_aware(local_start + n * step),
            ends_at=timezone.make_aware(local_start + n * step) + length,
            location=location,
            latitude=latitude,
            longitude=longitude,
            radius_m=radius_m,
            capacity=capacity,
            credit_rule=credit_rule,
            fixed_minutes=fixed_minutes if credit_rule == Session.CreditRule.FIXED else None,
            series=series,
        )
        for n in range(repeat_count)
    )


def _refuse_started(session: Session, now: datetime) -> None:
    if session.starts_at <= now:
        raise SessionStarted()


@transaction.atomic
def session_cancel(*, session: Session, series: bool = False) -> list[Session]:
    """Cancel a session before it starts and before anyone has time at it: check-in refuses it
    and every list marks it. With `series`, the later sessions of its series are cancelled too,
    all but those someone already has time at. Returns the sessions cancelled now (none, when
    this one was cancelled already)."""
    now = timezone.now()
    # FOR UPDATE, not NO KEY UPDATE: a check-in inserting meanwhile holds a key-share lock on the
    # session through its foreign key, so this waits for it, and then sees its time.
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.cancelled_at is not None:
        return []
    _refuse_started(locked, now)
    if Contribution.objects.filter(session=locked).exists():
        raise SessionHasTime()
    cancelled = [locked]
    if series:
        later = sessions_later_in_series(session=locked).select_for_update().order_by("pk")
        cancelled += list(later)
    Session.objects.filter(pk__in=[s.pk for s in cancelled]).update(
        cancelled_at=now, changes=F("changes") + 1
    )
    for each in cancelled:
        each.cancelled_at, each.changes = now, each.changes + 1
    return cancelled


@transaction.atomic
def session_reinstate(*, session: Session) -> Session:
    """Put back a cancelled session that has not started yet (a cancellation by mistake)."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.cancelled_at is not None:
        _refuse_started(locked, timezone.now())
        locked.cancelled_at, locked.changes = None, locked.changes + 1
        locked.save(update_fields=["cancelled_at", "changes"])
    return locked
