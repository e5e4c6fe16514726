"""Typed domain errors. Each carries a stable code, a message a person can act on and detail.

Services raise these; `api/errors.py` maps each family to one HTTP status and the one error
shape, and web views show the message. Nothing else builds error responses.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    message = _("Something went wrong.")

    def __init__(self, message: str | None = None, *, code: str | None = None, detail=None):
        self.message = message or self.message
        self.code = code or self.code
        self.detail = detail
        super().__init__(self.message)


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    message = _("Sign in to continue.")


class PermissionDenied(DomainError):
    code = "forbidden"
    message = _("You are not allowed to do that.")


class NotFound(DomainError):
    code = "not_found"
    message = _("That was not found.")


class Conflict(DomainError):
    code = "conflict"
    message = _("That clashes with the current state.")


class Invalid(DomainError):
    code = "invalid"
    message = _("That request is not valid.")


class RateLimited(DomainError):
    code = "rate_limited"
    message = _("Too many attempts. Please wait a moment and try again.")


class Busy(Conflict):
    """The database kept ending the request's transaction because others touched the same rows
    at the same moment (see timecredits/db.py). Nothing was changed, and sending the request
    again, with the same idempotency key, is safe. A 409 rather than a 5xx: the service is up,
    and the request was refused whole."""

    code = "busy"
    message = _("Many people are doing this at the same moment. Nothing was changed: try again.")
