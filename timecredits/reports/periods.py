"""Periods a reader picks: a month, a quarter or custom dates, as (first day, last day); and the
period each is set against."""

import datetime
import re

from django.utils.translation import gettext as _

from timecredits.activities.limits import FIRST_YEAR, LAST_YEAR
from timecredits.errors import Invalid


def check_period(period_start: datetime.date, period_end: datetime.date) -> None:
    """Refuse custom dates that end before they start, span more than five years, or fall
    outside the years anything can be recorded in."""
    for field, day in (("from", period_start), ("to", period_end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(
                _("Use a date from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                detail={"field": field},
            )
    if period_end < period_start:
        raise Invalid(_("The period ends before it starts."), detail={"field": "to"})
    if (period_end - period_start).days > 366 * 5:
        raise Invalid(_("Ask for at most five years at a time."), detail={"field": "to"})


def month_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    """ "2026-03" -> 1 March to 31 March 2026."""
    year, month = (int(p) for p in value.split("-"))
    start = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def quarter_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    """ "2026-Q2" -> 1 April to 30 June 2026."""
    match = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if match is None:
        raise ValueError(value)
    year, quarter = int(match[1]), int(match[2])
    start, _ = month_bounds(f"{year}-{3 * quarter - 2}")
    _, end = month_bounds(f"{year}-{3 * quarter}")
    return start, end


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """How many whole calendar months the period is, or 0 if it is not whole months."""
    if start.day != 1 or end != month_bounds(f"{end:%Y-%m}")[1]:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: datetime.date, end: datetime.date) -> tuple:
    """The period of the same length just before: the months before a period of whole months
    (February for March, the quarter before a quarter), else the same number of days."""
    months = whole_months(start, end)
    if months:
        last = start - datetime.timedelta(days=1)
        index = last.year * 12 + last.month - 1 - (months - 1)
        return datetime.date(index // 12, index % 12 + 1, 1), last
    length = end - start
    previous_end = start - datetime.timedelta(days=1)
    return previous_end - length, previous_end


def compared_period(start: datetime.date, end: datetime.date, *, today: datetime.date) -> tuple:
    """The period a report is set against: the period of the same length just before; but while
    the period is still running (today falls in it), only as many of that period's first days as
    have passed, so a month five days old is set against the first five days of the month before,
    not against the whole of it."""
    before = previous_period(start, end)
    if not start <= today < end:
        return before
    return before[0], min(before[1], before[0] + (today - start))
