"""A session loaded for a coordinator, and the permission checked on it."""

from timecredits.permissions import Action, require

from ..selectors import session_get


def coordinated_session(actor, session_id: int, *, action: Action = Action.ORGANISATION_ATTENDANCE):
    """The session, for those allowed `action` in its organisation (recording attendance, who
    also see who came, by default)."""
    session = session_get(session_id=session_id)
    require(actor, action, organisation=session.activity.organisation)
    return session
