"""The programme dashboard's figures kept by the background worker (issue 7, "Scale").

Computing a programme's outputs for a year reads every contribution and transfer of that year,
which takes seconds on a large programme. So for each running programme's standard periods (the
last 12 months, this month, last month, this quarter, this year) django-q2 recomputes the
whole-programme figures every few minutes (`tasks.refresh_outputs_rollups`), and those of the
period each is set against on the dashboard (`kept_periods`), and keeps them,
unsuppressed, as an `OutputsRollup` (`reports.outputs.services.rollup_refresh`).
`presented.programme_report` serves them while they are younger than `REPORTS_ROLLUP_MAX_AGE`
and were computed today (retention's "not yet known" moves with the date), and otherwise
computes live; disclosure control is applied when they are read.

Only the unfiltered view is kept: a filtered view (an organisation, activity type, area or
demographic answer) reads far fewer rows and is always live. Snapshots and organisations' own
reports are always live too. The figures are exactly `figures.programme_outputs`, as of
`computed_at`.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from ...disclosure import Table
from ...models import OutputsRollup
from ...periods import compared_period, month_bounds, quarter_bounds


def standard_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The periods the dashboard offers first, as (first day, last day), as the report page's
    period picker would give them."""
    this_month = month_bounds(f"{today.year}-{today.month}")
    last_month = month_bounds(f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1}")
    twelve_months = (
        datetime.date(today.year - 1, today.month, 1),
        this_month[0] - datetime.timedelta(days=1),
    )
    this_quarter = quarter_bounds(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    this_year = (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    return list(dict.fromkeys([twelve_months, this_month, last_month, this_quarter, this_year]))


def kept_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The periods the worker keeps: the standard ones, and the one each is set against on the
    dashboard (the twelve months before the last twelve; while a period is running, as many days
    of the period before), so the dashboard's comparison is not computed on every request."""
    periods = standard_periods(today)
    return list(
        dict.fromkeys([*periods, *(compared_period(s, e, today=today) for s, e in periods)])
    )


def rollup_fresh(*, programme, period_start, period_end) -> OutputsRollup | None:
    """The kept figures for the period if they are young enough to serve, else None."""
    now = timezone.now()
    rollup = (
        OutputsRollup.objects.filter(
            programme=programme,
            period_start=period_start,
            period_end=period_end,
            computed_at__gte=now - settings.REPORTS_ROLLUP_MAX_AGE,
        )
        .order_by()
        .first()
    )
    if rollup is None or timezone.localdate(rollup.computed_at) != timezone.localdate(now):
        return None
    return rollup


def outputs_to_json(outputs: dict) -> dict:
    """`figures.programme_outputs`'s answer as JSON; `outputs_from_json` reverses it."""
    return {
        **outputs,
        "period_start": outputs["period_start"].isoformat(),
        "period_end": outputs["period_end"].isoformat(),
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "count": t.count,
                "columns": [list(c) for c in t.columns],
                "rows": t.rows,
                "total": t.total,
                "note": t.note,
                "suppressed": [[row, column, why] for (row, column), why in t.suppressed.items()],
                "total_label": t.total_label,
                "nested": t.nested,
                "mirrors": t.mirrors,
            }
            for t in outputs["tables"]
        ],
    }


def outputs_from_json(data: dict) -> dict:
    return {
        **data,
        "period_start": datetime.date.fromisoformat(data["period_start"]),
        "period_end": datetime.date.fromisoformat(data["period_end"]),
        "tables": [
            Table(
                name=t["name"],
                title=t["title"],
                count=t["count"],
                columns=[tuple(c) for c in t["columns"]],
                rows=t["rows"],
                total=t["total"],
                note=t["note"],
                suppressed={(row, column): why for row, column, why in t["suppressed"]},
                total_label=t["total_label"],
                nested=t["nested"],
                mirrors=t["mirrors"],
            )
            for t in data["tables"]
        ],
    }
