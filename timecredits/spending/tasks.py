"""Background jobs for spending (run by django-q2; each safe to run twice)."""

from .services.redemptions import redemptions_expire


def expire_overdue_redemptions() -> int:
    """Release the credits of codes nobody used in time, and mark them expired."""
    return redemptions_expire()
