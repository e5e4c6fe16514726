"""Periods a reader picks: a month, a quarter or custom dates, as (first day, last day)."""

import datetime
import re


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
