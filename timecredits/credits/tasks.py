"""Background jobs for credits, run by django-q2; each is safe to run twice."""

from .selectors import parse_month
from .services.expiry import credits_expire_due
from .services.statements import credits_retire_month


def expire_credits() -> dict:
    run = credits_expire_due()
    return {"warned": len(run.warned), "expired": len(run.expired)}


def retire_accepted_credits(month: str | None = None) -> list[int]:
    """Retire what venues accepted in `month` ("YYYY-MM"; by default the previous month)."""
    return [t.pk for t in credits_retire_month(month=parse_month(month) if month else None)]
