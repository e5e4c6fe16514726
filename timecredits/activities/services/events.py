"""A contribution's audit trail: one event for each step, saying who took it, from which status
to which, the minutes before and after, and why."""

from ..models import ContributionEvent


def event(contribution, *, actor, action, from_status="", minutes_before=None, reason=""):
    """The step just taken, not yet saved (so a batch can save its events in one query)."""
    return ContributionEvent(
        contribution=contribution,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=contribution.status,
        minutes_before=minutes_before,
        minutes_after=contribution.minutes,
        reason=reason,
    )


def event_record(contribution, **step) -> None:
    event(contribution, **step).save()
