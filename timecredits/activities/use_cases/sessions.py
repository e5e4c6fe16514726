"""Coordinators' activities and sessions: listing and creating them, and the codes that check
people in at a session (a poster's, or the kiosk's current one)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from partners.selectors import approved_programme
from timecredits.errors import Invalid
from timecredits.permissions import Action, permitted_organisation, require
from timecredits.programmes.selectors import programme_get

from ..selectors import (
    activity_get,
    activity_sessions,
    organisation_activities,
    session_kiosk_url,
    session_poster_url,
    sessions_for_organisation,
)
from ..services import sessions
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


def sessions_page(*, actor, organisation_id: int) -> dict:
    """A coordinator's organisation and its next sessions."""
    organisation = _managed_organisation(actor, organisation_id)
    upcoming = sessions_for_organisation(organisation=organisation, upcoming_only=True)[:50]
    return {"organisation": organisation, "sessions": upcoming}


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


def sessions_list(*, actor, activity_id: int):
    """An activity's sessions, for those who run them."""
    return activity_sessions(activity=_managed_activity(actor, activity_id))


def sessions_create(*, actor, activity_id: int, **fields):
    """One session of the activity, or a weekly or fortnightly series."""
    return sessions.sessions_create(activity=_managed_activity(actor, activity_id), **fields)


@dataclass(frozen=True)
class CheckinCode:
    session: "Session"
    mode: str
    url: str


def session_checkin_code(*, actor, session_id: int, mode: str) -> CheckinCode:
    """The URL a session's QR code carries: its poster's, or the kiosk's current one."""
    session = coordinated_session(actor, session_id)
    if mode not in CHECKIN_CODES:
        raise Invalid(detail=[{"field": "mode", "message": _("Use poster or kiosk.")}])
    return CheckinCode(session=session, mode=mode, url=CHECKIN_CODES[mode](session))
