"""The dashboard's trend: active members and hours given in each of the twelve months that end
with the report's last month, with the report's own definitions and filter (see `figures`).

One grouped query counts all twelve months. Each month then passes the same suppression as the
report's headline figures: a month with 1 to threshold - 1 active members shows neither its
members nor its hours (hours go with their people). Zero is shown as 0.

The months of the report's own period are read beside its headline figures: their hours add
up to its hours given, and a member active in several months is one of its active members.
So they are suppressed with the headline (`disclosure.protect_linked`, the months being a
cover of the active members): all hidden if it hides its active members, and otherwise more
months hidden until neither the members nor the hours pin a hidden one. The dashboard also
shows the period of the same length before ("was"): where that is whole months of the trend,
its months are suppressed with its figures the same way.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ... import disclosure
from ...periods import month_bounds
from .figures import Filter, _approved

MONTHS = 12


def months_ending(day: datetime.date, n: int = MONTHS) -> list[datetime.date]:
    """The first days of the n months up to and including the one `day` is in."""
    index = day.year * 12 + day.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - n + 1, index + 1)]


def monthly_activity(f: Filter) -> dict[datetime.date, tuple[int, int]]:
    """(active members, approved minutes) for each month of the filter that has any."""
    grouped = (
        _approved(f)
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(members=Count("member", distinct=True), minutes=Sum("minutes"))
        .order_by("month")
    )
    return {timezone.localtime(g["month"]).date(): (g["members"], g["minutes"]) for g in grouped}


def programme_trend(
    *,
    programme,
    last_month: datetime.date,
    organisation=None,
    activity_type="",
    area="",
    demographics=None,
    period_start=None,
    headline=None,
    before=None,
) -> list[dict]:
    """Each month's active members and hours given, suppressed for whoever reads the programme's
    report (starting on `period_start`, with its shown `headline` figures) and the one `before`
    it (its first and last days and shown headline figures); a hidden month says why and holds
    None, never 0."""
    months = months_ending(last_month)
    _, end = month_bounds(f"{months[-1]:%Y-%m}")
    answers = tuple(sorted((k, v) for k, v in (demographics or {}).items() if v))
    f = Filter(programme, months[0], end, organisation, activity_type or "", area or "", answers)
    activity = monthly_activity(f)
    threshold = programme.report_threshold
    rows = []
    for month in months:
        members, minutes = activity.get(month, (0, 0))
        rows.append(
            {
                "key": month.isoformat(),
                "label": "",
                "values": {"members": members, "hours": round(minutes / 60, 2)},
            }
        )
    months_table = disclosure.Table(
        "trend", "", "members", [("members", ""), ("hours", "")], rows, {"members": None}
    )
    for row in rows:
        if disclosure.is_small(row["values"]["members"], threshold):
            for column in ("members", "hours"):
                row["values"][column] = None
                months_table.suppressed[(row["key"], column)] = disclosure.SMALL
    if period_start is not None and headline is not None:
        _protect_period(months_table, period_start, months[-1], headline, threshold)
    if before is not None:
        first, last, shown = before
        whole_months = first.day == 1 and (last + datetime.timedelta(days=1)).day == 1
        if whole_months and first >= months[0]:
            _protect_period(months_table, first, last, shown, threshold)
    return [
        {
            "month": row["key"],
            "active_members": row["values"]["members"],
            "hours_given": row["values"]["hours"],
            "suppressed": months_table.suppressed.get((row["key"], "members"), ""),
        }
        for row in rows
    ]


def _protect_period(months: disclosure.Table, first, last, headline: dict, threshold):
    """Suppress the months from `first`'s to `last`'s with a report's shown `headline` figures
    for those days."""
    keys = (first.replace(day=1).isoformat(), last.replace(day=1).isoformat())
    period = disclosure.Table(
        months.name,
        "",
        months.count,
        months.columns,
        [row for row in months.rows if keys[0] <= row["key"] <= keys[1]],
        {"members": None},
        suppressed=months.suppressed,
    )
    if headline.get("active_members") is None:
        while disclosure.hide_smallest(period):
            pass
        return
    disclosure.protect_linked([], [period], threshold, total=headline["active_members"])
    hidden = [row for row in period.rows if row["values"]["hours"] is None]
    if len(hidden) == 1 and headline.get("hours_given") is not None:
        disclosure.hide_smallest(period)
