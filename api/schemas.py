"""What every request body schema shares, and the one error schema the OpenAPI document names.

Bodies are validated strictly: a JSON value is taken only as its own type, so an amount must be a
number (never `true` or `"60"`) and a flag must be `true` or `false`. Types JSON has no literal
for (dates, times, date-times, decimals) opt back in to parsing text with `LAX`.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Header, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Re-exported: routers bound amounts by it without importing the ledger.
from ledger.kinds import MAX_AMOUNT as MAX_AMOUNT
from timecredits.activities.limits import FIRST_YEAR, LAST_YEAR

# For a field whose JSON form is text to parse (a date, a time, a decimal): Field(**LAX).
LAX = {"strict": False}


# The years a date-time in a request may fall in: far wider than any real session or claim, and
# narrow enough that converting between time zones or adding weeks can never leave the calendar.
YEARS = (FIRST_YEAR, LAST_YEAR + 1)


def _year_in_utc(value: datetime) -> int:
    """The year as the moment is kept, in UTC (2099-12-31T23:00-12:00 is in 2100); one beyond
    the calendar (9999-12-31T23:00-12:00) as 10000."""
    try:
        return value.astimezone(UTC).year
    except OverflowError:
        return 0 if value.year == 1 else 10_000


def _within_years(value: datetime) -> datetime:
    if not YEARS[0] <= _year_in_utc(value) < YEARS[1]:
        message = _("Use a date from %(first)s to %(last)s.")
        raise PydanticCustomError(
            "datetime_out_of_range", str(message % {"first": YEARS[0], "last": YEARS[1] - 1})
        )
    return value


# A date-time with its UTC offset, e.g. 2026-05-01T10:00+01:00, within YEARS.
Moment = Annotated[AwareDatetime, Field(strict=False), AfterValidator(_within_years)]


def IdempotencyKey(once: str, *, required: bool = False, **limits):
    """The `Idempotency-Key` header of a route that acts once per key, optional unless
    `required`: `once` says what happens once however often the same key is sent. At most 100
    characters unless `limits` say otherwise: the ledger keeps it with a prefix of its own,
    within 200."""
    return Header(
        ... if required else None,
        alias="Idempotency-Key",
        description=f"Send the same key again to retry safely: {once}.",
        **({"max_length": 100} | limits),
    )


class InputSchema(Schema):
    model_config = ConfigDict(strict=True)


class ErrorDetail(Schema):
    code: str
    message: str
    detail: Any = Field(description="What was wrong, field by field where it applies; or null.")


class ErrorOut(Schema):
    """The one error shape: {"error": {"code", "message", "detail"}}."""

    error: ErrorDetail


# --- spend: the largest amount the ledger posts, so schemas bound amounts without a router
# importing the ledger ---
