"""Background jobs for sessions (run by django-q2; each safe to run twice)."""

from .services.checkins import checkouts_due


def check_out_ended_sessions() -> int:
    """Check out everyone still checked in at a session that has ended, flagged for review."""
    return checkouts_due()
