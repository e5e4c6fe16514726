"""A session as a calendar event (iCalendar, RFC 5545), for a member's phone calendar."""

from django.utils import timezone
from icalendar import Calendar, Event

from timecredits.site import absolute_url, site_url


def session_ics(session, *, path: str) -> bytes:
    """One event for the session, at `path` on this site. The same session always has the same
    UID, so adding it again (after a change of time or place, say) updates the event rather than
    adding a second one; a cancelled session says so, and calendars that know it strike it out."""
    link = absolute_url(path)
    event = Event()
    host = site_url().split("://", 1)[-1] or "timecredits"
    event.add("uid", f"session-{session.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.activity.title)
    if session.location:
        event.add("location", session.location)
    event.add("description", f"{session.activity.organisation.name}\n{link}")
    event.add("url", link)
    event.add("status", "CANCELLED" if session.cancelled_at else "CONFIRMED")
    # Each version numbered higher: a calendar replaces what it holds rather than ignore it.
    event.add("sequence", session.changes)
    calendar = Calendar()
    calendar.add("prodid", "-//Time credits//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()
