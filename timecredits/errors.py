"""Typed domain errors. Each carries a stable code, a message a person can act on and detail.

Services raise these. `http_status` maps each family to one HTTP status: `api/errors.py` answers
with it in the one error shape, and pages (timecredits/middleware.py) show the message with it.
Nothing else builds error responses. `Problems` is how a service reports everything wrong with
what someone submitted at once, as one `Invalid`.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timecredits.text import CONTROL


class DomainError(Exception):
    code = "error"
    message = _("Something went wrong.")

    # What a refusal that says when (`at`) says: the time alone when that is today, else the
    # day and the time (translated texts with %(time)s and, the second, %(day)s).
    when_today = when_another_day = None

    @classmethod
    def at(cls, moment: datetime.datetime, *, today=None, another_day=None, detail=None):
        """Refused, saying when: `today` (or the class's `when_today`) with the time alone when
        `moment` is today (local), else `another_day` (or `when_another_day`) with the day."""
        today, another_day = today or cls.when_today, another_day or cls.when_another_day
        local = timezone.localtime(moment)
        time = date_format(local, "H:i")
        if local.date() == timezone.localdate():
            return cls(today % {"time": time}, detail=detail)
        return cls(another_day % {"day": date_format(local, "l j F"), "time": time}, detail=detail)

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


class Problems:
    """Collects what is wrong with a submission field by field, so a form can show it all at once:
    `add` each problem as it is found, then `raise_if_any` before writing anything. The one
    `Invalid` it raises lists them, in the order found, as {"field", "message"} (and any extra
    keys given, such as a machine-readable "type")."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, field: str, message: str, **extra) -> None:
        self.items.append({"field": field, "message": message, **extra})

    def check_text(self, field: str, text: str | None) -> None:
        """Text a person typed holds no control character (timecredits/text.py): refused here
        as every form and the API's parser refuse it, for a service a page calls with what it
        read from the request itself."""
        if text and CONTROL.search(text):
            self.add(field, gettext("Text cannot contain control characters."))

    def raise_if_any(self, message: str | None = None) -> None:
        """`message` sums the problems up, for a form that words it its own way."""
        if self.items:
            raise Invalid(message or gettext("Some details need another look."), detail=self.items)


def check_choice(field: str, value: str | None, choices) -> None:
    """A filter's `value` that is one of `choices`, or none at all: an unknown one (a typo, the
    wrong case) is refused rather than answering an empty list that reads as "nothing here"."""
    if value and value not in choices:
        problems = Problems()
        words = gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        problems.add(field, words)
        problems.raise_if_any()


class RateLimited(DomainError):
    code = "rate_limited"
    message = _("Too many attempts. Please wait a moment and try again.")


# The first family an error belongs to names its status; any other error is a 400.
STATUS_BY_FAMILY = [
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Invalid, 422),
    (RateLimited, 429),
]


def http_status(error: DomainError) -> int:
    return next((status for family, status in STATUS_BY_FAMILY if isinstance(error, family)), 400)


class Busy(Conflict):
    """The database kept ending the request's transaction because others touched the same rows
    at the same moment (see timecredits/db.py). Nothing was changed, and sending the request
    again, with the same idempotency key, is safe. A 409 rather than a 5xx: the service is up,
    and the request was refused whole."""

    code = "busy"
    message = _("Many people are doing this at the same moment. Nothing was changed: try again.")
