"""The dashboard's trend: active members and hours given in each of the twelve months that end
with the report's last month, with the report's own definitions and filter (see `selectors`).

One grouped query counts all twelve months. Each month then passes the same suppression as the
report's headline figures: a month with 1 to threshold - 1 active members shows neither its
members nor its hours (hours go with their people). Zero is shown as 0. The months are not a
table with a total, so no secondary suppression is needed among them.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from timecredits.permissions import Action, require

from . import disclosure
from .periods import month_bounds
from .selectors import Filter, _approved

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
    actor,
    programme,
    last_month: datetime.date,
    organisation=None,
    activity_type="",
    area="",
    demographics=None,
) -> list[dict]:
    """Each month's active members and hours given, suppressed for whoever reads the programme's
    report; a hidden month says why and holds None, never 0."""
    require(actor, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    return build_programme_trend(
        programme=programme,
        last_month=last_month,
        organisation=organisation,
        activity_type=activity_type,
        area=area,
        demographics=demographics,
    )


def build_programme_trend(
    *,
    programme,
    last_month: datetime.date,
    organisation=None,
    activity_type="",
    area="",
    demographics=None,
) -> list[dict]:
    """`programme_trend` for a caller that has already checked who is asking."""
    months = months_ending(last_month)
    _, end = month_bounds(f"{months[-1]:%Y-%m}")
    answers = tuple(sorted((k, v) for k, v in (demographics or {}).items() if v))
    f = Filter(programme, months[0], end, organisation, activity_type or "", area or "", answers)
    activity = monthly_activity(f)
    trend = []
    for month in months:
        members, minutes = activity.get(month, (0, 0))
        shown, hidden = disclosure.suppress_figures(
            {"active_members": members, "hours_given": round(minutes / 60, 2)},
            {"active_members": members, "hours_given": members},
            programme.report_threshold,
        )
        trend.append(
            {
                "month": month.isoformat(),
                "active_members": shown["active_members"],
                "hours_given": shown["hours_given"],
                "suppressed": hidden.get("active_members", ""),
            }
        )
    return trend
