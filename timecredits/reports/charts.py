"""What the dashboard draws, worked out on the server so pages need no JavaScript: pure functions
from presented figures to shapes, no ORM.

- `trend_chart`: one column chart per series of `trend.programme_trend`, in SVG coordinates. A
  suppressed month is a hatched gap labelled "suppressed", never a bar of 0.
- `bar_chart`: a table's first column as horizontal bars, each with its label and value as
  text; a suppressed row has no bar and says "suppressed".
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

WIDTH, HEIGHT = 360, 180
TOP, BOTTOM, SIDE = 18, 30, 4  # room for values above the bars and months below
SERIES = [
    ("active_members", gettext_lazy("Active members")),
    ("hours_given", gettext_lazy("Hours given")),
]


def trend_chart(trend: list[dict], *, period_start=None) -> dict:
    """The trend's series as columns; with `period_start`, the months of the report's own period
    are marked `in_period` (drawn darker than the months before it)."""
    first_month = period_start.replace(day=1).isoformat() if period_start else None
    slot = (WIDTH - 2 * SIDE) / max(len(trend), 1)
    plot = HEIGHT - TOP - BOTTOM
    charts = []
    for key, title in SERIES:
        shown = [m[key] for m in trend if m[key] is not None]
        largest = max(shown, default=0) or 1
        columns = []
        for i, month in enumerate(trend):
            day = datetime.date.fromisoformat(month["month"])
            value = month[key]
            height = 0 if value is None else round(plot * value / largest, 1)
            x = SIDE + i * slot
            columns.append(
                {
                    "label": date_format(day, "F Y"),
                    "short": date_format(day, "M"),
                    "year": f"{day:%Y}" if i == 0 or day.month == 1 else "",
                    "in_period": first_month is not None and month["month"] >= first_month,
                    "value": value,
                    "text": _compact(value),
                    "suppressed": value is None,
                    "x": round(x + slot * 0.15, 1),
                    "width": round(slot * 0.7, 1),
                    "middle": round(x + slot / 2, 1),
                    "y": round(TOP + plot - height, 1),
                    "height": height,
                    "text_y": round(TOP + plot - height - 4, 1),
                }
            )
        charts.append({"key": key, "title": title, "columns": columns})
    first, last = (trend[0]["month"], trend[-1]["month"]) if trend else ("", "")
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "top": TOP,
        "plot": plot,
        "gap_y": HEIGHT - BOTTOM - 6,
        "baseline": HEIGHT - BOTTOM,
        "month_y": HEIGHT - BOTTOM + 14,
        "year_y": HEIGHT - 3,
        "first": _month_name(first),
        "last": _month_name(last),
        "series": charts,
        "months": [
            {**month, "label": date_format(datetime.date.fromisoformat(month["month"]), "F Y")}
            for month in trend
        ],
    }


def bar_chart(table: dict) -> dict:
    column = table["columns"][0]
    values = [r["values"][column["key"]] for r in table["rows"]]
    largest = max((v for v in values if v is not None), default=0) or 1
    reasons = {s["row"]: s["reason"] for s in table["suppressed"] if s["column"] == column["key"]}
    return {
        "title": f"{table['title']}: {column['label'].lower()}",
        "bars": [
            {
                "label": row["label"],
                "value": value,
                "width": None if value is None else round(100 * value / largest, 1),
                "reason": reasons.get(row["key"]),
            }
            for row, value in zip(table["rows"], values, strict=True)
        ],
    }


def _compact(value) -> str:
    """A value short enough to sit above a column; the table below the chart has it exactly."""
    if value is None:
        return ""
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:g}" if value < 100 else f"{value:.0f}"


def _month_name(month: str) -> str:
    return date_format(datetime.date.fromisoformat(month), "F Y") if month else ""
