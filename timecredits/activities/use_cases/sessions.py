"""Coordinators' activities and sessions: listing, creating and cancelling them, and the codes
that check people in at a session (a poster's, or the kiosk's current one)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.selectors import approved_programme
from timecredits.errors import Invalid
from timecredits.permissions import Action, permitted_organisation, require
from timecredits.programmes.selectors import programme_get

from ..errors import SessionCancelled
from ..selectors import (
    activity_get,
    activity_sessions,
    organisation_activities,
    organisation_session_rows,
    session_kiosk_url,
    session_poster_url,
)
from ..services import sessions
from ..tokens import kiosk_seconds_left
from ._sessions import coordinated_session

if TYPE_CHECKING:
    from ..models import Session

MANAGE = Action.ORGANISATION_ACTIVITIES_MANAGE
CHECKIN_CODES = {"poster": session_poster_url, "kiosk": session_kiosk_url}


def _managed_organisation(actor, organisation_id: int):
    return permitted_organisation(actor, MANAGE, organisation_id)


def activities_list(*, actor, organisation_id: int):
    """An organisation's activities, for those who run them."""
    return organisation_activities(organisation=_managed_organisation(actor, organisation_id))


SESSIONS_PER_PAGE = 20


def sessions_page(
    *,
    actor,
    organisation_id: int,
    when: str = "upcoming",
    start=None,
    end=None,
    activity_id: int | None = None,
    page: int = 1,
) -> dict:
    """A coordinator's organisation, its activities, and one page of its sessions coming up,
    past, or with time waiting for a decision (`when`), filtered by dates and activity; with
    how many sessions have time waiting, for the tab that lists them."""
    organisation = _managed_organisation(actor, organisation_id)
    now = timezone.now()
    rows = organisation_session_rows(
        organisation=organisation,
        when=when,
        now=now,
        start=start,
        end=end,
        activity_id=activity_id,
    )
    waiting = organisation_session_rows(organisation=organisation, when="waiting", now=now)
    return {
        "organisation": organisation,
        "activities": list(organisation_activities(organisation=organisation).order_by("title")),
        "sessions": Paginator(rows, SESSIONS_PER_PAGE).get_page(page),
        "when": when,
        "waiting_sessions": waiting.count(),
    }


def activity_create(*, actor, organisation_id: int, programme_id: int | None = None, **fields):
    """A new activity, in the programme named, or else in one that approved the organisation."""
    programme = programme_get(programme_id=programme_id) if programme_id is not None else None
    organisation = _managed_organisation(actor, organisation_id)
    if programme is None:
        programme = approved_programme(organisation=organisation)
        if programme is None:
            raise Invalid(_("Your organisation is not approved in a programme yet."))
    return sessions.activity_create(organisation=organisation, programme=programme, **fields)


def _managed_activity(actor, activity_id: int):
    activity = activity_get(activity_id=activity_id)
    require(actor, MANAGE, organisation=activity.organisation)
    return activity


def sessions_list(*, actor, activity_id: int, limit: int = 100, offset: int = 0):
    """An activity's sessions, earliest first, a page at a time, for those who run them."""
    activity = _managed_activity(actor, activity_id)
    return activity_sessions(activity=activity, limit=limit, offset=offset)


def sessions_create(*, actor, activity_id: int, **fields):
    """One session of the activity, or a weekly or fortnightly series."""
    return sessions.sessions_create(activity=_managed_activity(actor, activity_id), **fields)


@dataclass(frozen=True)
class CheckinCode:
    """A session's check-in URL; for the kiosk, how many seconds it has left on screen."""

    session: "Session"
    mode: str
    url: str
    seconds_left: int | None = None


def session_checkin_code(*, actor, session_id: int, mode: str) -> CheckinCode:
    """The URL a session's QR code carries: its poster's, or the kiosk's current one."""
    session = coordinated_session(actor, session_id)
    if mode not in CHECKIN_CODES:
        raise Invalid(detail=[{"field": "mode", "message": _("Use poster or kiosk.")}])
    now = timezone.now()
    if mode == "kiosk":
        return CheckinCode(
            session=session,
            mode=mode,
            url=session_kiosk_url(session, now=now),
            seconds_left=kiosk_seconds_left(now),
        )
    return CheckinCode(session=session, mode=mode, url=CHECKIN_CODES[mode](session))


def session_kiosk_code(*, actor, session_id: int) -> CheckinCode:
    """The door screen's next code, for its script. A session cancelled meanwhile has none (a
    409), so the screen reloads and says it is cancelled rather than show codes check-in
    refuses."""
    code = session_checkin_code(actor=actor, session_id=session_id, mode="kiosk")
    if code.session.cancelled_at:
        raise SessionCancelled()
    return code


def session_cancel(*, actor, session_id: int, series: bool = False) -> list["Session"]:
    """Cancel a session before it starts (and with `series`, the later ones of its series), for
    those who run the organisation's activities; the sessions cancelled now."""
    session = coordinated_session(actor, session_id, action=MANAGE)
    return sessions.session_cancel(session=session, series=series)


def session_reinstate(*, actor, session_id: int) -> "Session":
    """Put back a session cancelled by mistake, before it starts."""
    session = coordinated_session(actor, session_id, action=MANAGE)
    return sessions.session_reinstate(session=session)
