"""Background jobs for credits, run by django-q2; each is safe to run twice."""

from .services.expiry import credits_expire_due


def expire_credits() -> dict:
    run = credits_expire_due()
    return {"warned": len(run.warned), "expired": len(run.expired)}
