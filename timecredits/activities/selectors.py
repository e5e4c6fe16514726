"""Reads about activities, sessions and contributions."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from timecredits.errors import NotFound
from timecredits.permissions import Action, require

from .models import Activity, Contribution, Session
from .tokens import kiosk_token, poster_token


def checkin_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/c/{token}"


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


def session_for_coordinator(*, actor, session_id: int) -> Session:
    """A session, for those who record attendance at it (they also see who came)."""
    session = (
        Session.objects.select_related("activity__organisation", "activity__programme")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound(code="session_not_found")
    require(actor, Action.ORGANISATION_ATTENDANCE, organisation=session.activity.organisation)
    return session


def session_contributions(*, session: Session):
    return session.contributions.select_related("member__user").order_by("checked_in_at")


def sessions_for_organisation(*, organisation, upcoming_only: bool = False):
    sessions = Session.objects.filter(activity__organisation=organisation).select_related(
        "activity"
    )
    if upcoming_only:
        sessions = sessions.filter(ends_at__gte=timezone.now())
    return sessions


def open_checkin(*, member) -> Contribution | None:
    return (
        Contribution.objects.select_related("session__activity")
        .filter(member=member, status=Contribution.Status.CHECKED_IN)
        .first()
    )


def claimable_sessions(*, member, now: datetime | None = None, days: int = 30, limit: int = 50):
    """Recent sessions of the member's programme that have started, are not cancelled and where
    they have no time yet: the ones a member is likely to claim time at."""
    now = now or timezone.now()
    return list(
        Session.objects.filter(
            activity__programme_id=member.programme_id,
            starts_at__lte=now,
            starts_at__gte=now - timedelta(days=days),
            cancelled_at__isnull=True,
        )
        .exclude(contributions__member=member)
        .select_related("activity__organisation")
        .order_by("-starts_at", "pk")[:limit]
    )


def member_contributions(*, member, limit: int = 50):
    return (
        Contribution.objects.filter(member=member)
        .select_related("session__activity__organisation")
        .order_by("-checked_in_at")[:limit]
    )


def verification_queue(*, organisation):
    return (
        Contribution.objects.filter(
            session__activity__organisation=organisation, status=Contribution.Status.PENDING
        )
        .select_related("member__user", "session__activity")
        .order_by("session__starts_at", "checked_in_at")
    )


def organisation_activities(*, actor, organisation):
    """An organisation's activities, for those who run them."""
    require(actor, Action.ORGANISATION_ACTIVITIES_MANAGE, organisation=organisation)
    return Activity.objects.filter(organisation=organisation)


def activity_sessions(*, actor, activity: Activity):
    """An activity's sessions, for those who run them."""
    require(actor, Action.ORGANISATION_ACTIVITIES_MANAGE, organisation=activity.organisation)
    return activity.sessions.all()


def organisation_contributions(*, actor, organisation, status: str | None = None, limit: int = 500):
    """Contributions at an organisation's sessions, for those who verify them."""
    require(actor, Action.ORGANISATION_CONTRIBUTIONS_VERIFY, organisation=organisation)
    rows = Contribution.objects.filter(session__activity__organisation=organisation)
    if status:
        rows = rows.filter(status=status)
    return list(
        rows.select_related("session__activity__organisation").order_by("session__starts_at", "pk")[
            :limit
        ]
    )


# --- reports: the contributions report figures aggregate, and their vocabulary ---

ActivityType = Activity.Type
ContributionMethod = Contribution.Method
ContributionStatus = Contribution.Status


def contribution_rows():
    """Every contribution, as a QuerySet for figures that filter and aggregate them in the
    database (reports)."""
    return Contribution.objects.all()
