"""Reads about activities, sessions and contributions."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.errors import NotFound, check_choice
from timecredits.site import absolute_url

from .limits import CLAIM_WINDOW
from .models import Activity, Contribution, Session
from .tokens import POSTER_GRACE, kiosk_token, poster_token


def checkin_url(token: str) -> str:
    return absolute_url(f"/c/{token}")


def session_poster_url(session: Session) -> str:
    return checkin_url(
        poster_token(session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at)
    )


def session_kiosk_url(session: Session, *, now: datetime | None = None) -> str:
    return checkin_url(
        kiosk_token(
            session_id=session.pk,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            now=now or timezone.now(),
        )
    )


def session_find(*, session_id: int, organisation_id: int | None = None) -> Session | None:
    """A session (only of that organisation, when one is named)."""
    sessions = Session.objects.select_related("activity__organisation", "activity__programme")
    if organisation_id is not None:
        sessions = sessions.filter(activity__organisation_id=organisation_id)
    return sessions.filter(pk=session_id).first()


def session_get(*, session_id: int, organisation_id: int | None = None) -> Session:
    """A session (only of that organisation, when one is named), or a 404."""
    session = session_find(session_id=session_id, organisation_id=organisation_id)
    if session is None:
        raise NotFound(_("There is no such session."), code="session_not_found")
    return session


def session_credit_minutes(*, session: Session) -> int:
    """The credits staying the whole session earns, in ledger minutes (60 = one credit): its
    fixed amount, or its length rounded by the programme's policy, within the daily cap."""
    programme = session.activity.programme
    if session.credit_rule == Session.CreditRule.FIXED:
        minutes = session.fixed_minutes
    else:
        step = programme.rounding_minutes
        length = session.length_minutes
        minutes = min((length + step // 2) // step * step, length)
    if programme.daily_cap_minutes is not None:
        minutes = min(minutes, programme.daily_cap_minutes)
    return minutes * 60 // programme.minutes_per_credit


def member_session_contribution(*, member, session: Session) -> Contribution | None:
    """The member's time at this session, if they have any."""
    return Contribution.objects.filter(member=member, session=session).first()


def sessions_happening(*, now: datetime) -> list[Session]:
    """Sessions going on now, give or take the check-in grace, that were not cancelled."""
    return list(
        Session.objects.select_related("activity__organisation").filter(
            starts_at__lte=now + POSTER_GRACE,
            ends_at__gte=now - POSTER_GRACE,
            cancelled_at__isnull=True,
        )
    )


def activity_get(*, activity_id: int) -> Activity:
    activity = Activity.objects.select_related("organisation").filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("There is no such activity."))
    return activity


def session_contributions(*, session: Session):
    return session.contributions.select_related("member__user").order_by("checked_in_at")


SESSION_LISTS = ("upcoming", "past", "waiting")


def organisation_session_rows(
    *,
    organisation,
    when: str,
    now: datetime,
    start=None,
    end=None,
    activity_id: int | None = None,
):
    """An organisation's sessions for its coordinators' list, each with `people` (time recorded
    there, less what was rejected) and `waiting` (time waiting for a decision): those coming up
    (soonest first), past (latest first), or with time waiting (latest first); starting between
    the dates `start` and `end` (inclusive) and of one activity, when named."""
    rows = (
        Session.objects.filter(activity__organisation=organisation)
        .select_related("activity")
        .annotate(
            people=Count(
                "contributions", filter=~Q(contributions__status=Contribution.Status.REJECTED)
            ),
            waiting=Count(
                "contributions", filter=Q(contributions__status=Contribution.Status.PENDING)
            ),
        )
    )
    if when == "past":
        rows = rows.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    elif when == "waiting":
        rows = rows.filter(waiting__gt=0).order_by("-starts_at", "-pk")
    else:
        rows = rows.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if start is not None:
        rows = rows.filter(starts_at__date__gte=start)
    if end is not None:
        rows = rows.filter(starts_at__date__lte=end)
    if activity_id is not None:
        rows = rows.filter(activity_id=activity_id)
    return rows


def open_checkin(*, member) -> Contribution | None:
    return (
        Contribution.objects.select_related("session__activity__organisation")
        .filter(member=member, status=Contribution.Status.CHECKED_IN)
        .first()
    )


def claimable_sessions(
    *, member, now: datetime | None = None, limit: int = 50, session_id: int | None = None
):
    """Sessions of the member's programme in the claim window (`limits.CLAIM_WINDOW`) that have
    started, are not cancelled and where they have no time yet (only the one `session_id`
    names, when given): the ones a member may claim time at, latest first."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        activity__programme_id=member.programme_id,
        starts_at__lte=now,
        starts_at__gte=now - CLAIM_WINDOW,
        cancelled_at__isnull=True,
    )
    if session_id is not None:
        sessions = sessions.filter(pk=session_id)
    return list(
        sessions.exclude(contributions__member=member)
        .select_related("activity__organisation")
        .order_by("-starts_at", "pk")[:limit]
    )


def member_contributions(*, member, limit: int = 50, offset: int = 0):
    """The member's contributions, newest first (`limit` of them, after the first `offset`),
    each with `credited`: the ledger minutes its time earns by its programme's policy (as
    activities.services.earning.credited_minutes)."""
    return (
        Contribution.objects.filter(member=member)
        .select_related("session__activity__organisation")
        .annotate(
            credited=F("minutes") * 60 / F("session__activity__programme__minutes_per_credit")
        )
        .order_by("-checked_in_at", "-pk")[offset : offset + limit]
    )


def verification_queue(*, organisation, sessions=None):
    """Time waiting for a decision at the organisation's sessions (or at `sessions` of them),
    oldest session first."""
    rows = Contribution.objects.filter(
        session__activity__organisation=organisation, status=Contribution.Status.PENDING
    )
    if sessions is not None:
        rows = rows.filter(session__in=sessions)
    return rows.select_related("member__user", "session__activity").order_by(
        "session__starts_at", "checked_in_at"
    )


def sessions_waiting(*, organisation):
    """The organisation's sessions with time waiting for a decision, oldest first."""
    return (
        Session.objects.filter(
            activity__organisation=organisation,
            contributions__status=Contribution.Status.PENDING,
        )
        .distinct()
        .order_by("starts_at", "pk")
    )


def contribution_exists(*, contribution_id: int, organisation_id: int) -> bool:
    """Whether the contribution is one made at the organisation's sessions."""
    return Contribution.objects.filter(
        pk=contribution_id, session__activity__organisation_id=organisation_id
    ).exists()


def organisation_activities(*, organisation):
    return Activity.objects.filter(organisation=organisation)


def activity_sessions(*, activity: Activity, limit: int = 100, offset: int = 0):
    """The activity's sessions, earliest first: `limit` of them after the first `offset` (a
    weekly series grows without end)."""
    return list(activity.sessions.order_by("starts_at", "pk")[offset : offset + limit])


def organisation_contributions(
    *, organisation, status: str | None = None, limit: int = 500, offset: int = 0
):
    """Contributions at an organisation's sessions, oldest session first (`limit` of them, after
    the first `offset`)."""
    check_choice("status", status, Contribution.Status.values)
    rows = Contribution.objects.filter(session__activity__organisation=organisation)
    if status:
        rows = rows.filter(status=status)
    rows = rows.select_related("session__activity__organisation")
    return list(rows.order_by("session__starts_at", "pk")[offset : offset + limit])


# --- reports: the contributions report figures aggregate, and their vocabulary ---

ActivityType = Activity.Type
ContributionMethod = Contribution.Method
ContributionStatus = Contribution.Status


def contribution_rows():
    """Every contribution, as a QuerySet for figures that filter and aggregate them in the
    database (reports)."""
    return Contribution.objects.all()


# A member's home and history: time given, what is coming up.


def contributions_given(*, contribution_ids) -> dict[int, tuple[int, datetime]]:
    """The time each contribution gave, in minutes, and when its session started, by id."""
    return {
        pk: (minutes, starts_at)
        for pk, minutes, starts_at in Contribution.objects.filter(
            pk__in=contribution_ids
        ).values_list("pk", "minutes", "session__starts_at")
    }


def member_minutes_given(*, member, start: datetime, end: datetime) -> int:
    """Minutes the member gave at sessions in [start, end): approved, or waiting to be."""
    return (
        Contribution.objects.filter(
            member=member,
            checked_in_at__gte=start,
            checked_in_at__lt=end,
            status__in=[Contribution.Status.PENDING, Contribution.Status.APPROVED],
        ).aggregate(total=Sum("minutes"))["total"]
        or 0
    )


def member_upcoming_sessions(*, member, now: datetime, days: int = 7, limit: int = 5):
    """Sessions in the next `days` days, not cancelled, of the groups the member has given time
    to or was registered by, soonest first; not one they already have time at (today's, once
    they checked in)."""
    groups = Contribution.objects.filter(member=member).values("session__activity__organisation_id")
    mine = Q(activity__organisation_id__in=groups)
    if member.registered_by_organisation_id:
        mine |= Q(activity__organisation_id=member.registered_by_organisation_id)
    return list(
        Session.objects.filter(
            mine,
            activity__programme_id=member.programme_id,
            ends_at__gte=now,
            starts_at__lt=now + timedelta(days=days),
            cancelled_at__isnull=True,
        )
        .exclude(contributions__member=member)
        .select_related("activity__organisation")
        .order_by("starts_at", "pk")[:limit]
    )


def member_session(*, member, session_id: int) -> Session:
    """A session of the member's programme, cancelled or not (a calendar may still hold it), as
    its members see it; or a 404."""
    session = (
        Session.objects.select_related("activity__organisation", "activity__programme")
        .filter(pk=session_id, activity__programme_id=member.programme_id)
        .first()
    )
    if session is None:
        raise NotFound(_("There is no such session."), code="session_not_found")
    return session


def session_rows():
    """Every session, as a QuerySet for figures that count sessions held (reports)."""
    return Session.objects.all()


# --- home: a coordinator's day, across the organisations they run ---


def sessions_during(*, organisation_ids, start: datetime, end: datetime) -> list[Session]:
    """The sessions of these organisations that run at some time in [start, end) (one that began
    the evening before and runs on overnight too), soonest first, each with `checked_in`: how
    many people have time there (checked in, waiting or approved)."""
    return list(
        Session.objects.filter(
            activity__organisation_id__in=organisation_ids, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("activity")
        .annotate(
            checked_in=Count(
                "contributions", filter=~Q(contributions__status=Contribution.Status.REJECTED)
            )
        )
        .order_by("starts_at", "pk")
    )


def time_waiting(*, organisation_ids) -> dict[int, dict]:
    """The time waiting for verification at each of these organisations' sessions, by
    organisation id: how many people, entries and minutes (an organisation with none is left
    out)."""
    rows = (
        Contribution.objects.filter(
            session__activity__organisation_id__in=organisation_ids,
            status=Contribution.Status.PENDING,
        )
        .values("session__activity__organisation_id")
        .annotate(
            people=Count("member", distinct=True), entries=Count("pk"), minutes=Sum("minutes")
        )
        .order_by()
    )
    return {
        row["session__activity__organisation_id"]: {
            "people": row["people"],
            "entries": row["entries"],
            "minutes": row["minutes"] or 0,
        }
        for row in rows
    }


def sessions_later_in_series(*, session: Session) -> QuerySet[Session]:
    """The sessions of its series after this one that cancelling the rest of the series takes
    with it: not cancelled, and with no one's time at them yet."""
    if session.series is None:
        return Session.objects.none()
    return Session.objects.filter(
        series=session.series, starts_at__gt=session.starts_at, cancelled_at__isnull=True
    ).exclude(Exists(Contribution.objects.filter(session=OuterRef("pk"))))
