"""The period's contributions in one member-level pass (see `figures`).

One grouped query over the filter's contributions in the period yields a row per member who
has any: their approved contributions and minutes, check-ins, first and last days, the calendar
weeks and months they gave time in (as bit masks) and the activity types they gave time at (a
mask, and the minutes of each). `figures` folds every headline figure, breakdown, regularity
and retention figure from those rows in Python, so the period is read once, not once per table.

The filter's joins and conditions are the ORM's own (`figures._contributions`); the grouping is
written here. On PostgreSQL each contribution's local day, week and month are found by
`width_bucket` among the period's local midnights, once per row (the subquery's `OFFSET 0`
keeps the planner from computing them again in every aggregate); SQLite (the tests) works them
out from the local date Django gives it.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.db.models.functions import TruncDate
from django.utils import timezone

from timecredits.activities.selectors import ActivityType, ContributionStatus
from timecredits.members.selectors import member_rows

# Bits per mask column: a bigint holds 63 without its sign.
BITS = 62
TYPES = list(ActivityType.values)
MEMBER = ["area", "age_band", "gender", "reports_consent", "new_to_volunteering"]


@dataclass(slots=True)
class MemberPeriod:
    """One member's contributions under the filter in the period."""

    member: int
    area: str
    age_band: str
    gender: str
    consents: bool
    new_to_volunteering: bool | None
    joined: bool  # joined the programme in the period
    approved: int  # approved contributions
    minutes: int  # their minutes
    check_ins: int  # contributions by QR poster, kiosk or pass, whatever their status
    first_month: int | None  # year * 12 + month of the first approved one
    last_month: int | None
    weeks: int  # calendar weeks with an approved contribution
    months: int  # calendar months with one
    types: dict  # activity type -> approved minutes, for the types given time at


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _month_starts(first: datetime.date, count: int) -> list[datetime.date]:
    index = first.year * 12 + first.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index, index + count)]


def member_pass(
    contributions, *, start: datetime.date, end: datetime.date, check_in_methods
) -> list[MemberPeriod]:
    """`contributions` (a QuerySet of the filter's contributions in the period, any status)
    grouped by member."""
    monday = start - datetime.timedelta(days=start.weekday())
    days = (end - start).days + 1
    weeks = (end - monday).days // 7 + 1
    months = end.year * 12 + end.month - (start.year * 12 + start.month) + 1
    sqlite = connection.vendor == "sqlite"
    when = (
        {"local_date": TruncDate("session__starts_at")}
        if sqlite
        else {"at": F("session__starts_at")}
    )
    rows = contributions.values(
        "minutes",
        "status",
        "method",
        who=F("member"),
        kind=F("session__activity__type"),
        **when,
    ).order_by()
    inner, inner_params = rows.query.sql_with_params()
    if sqlite:
        date = "julianday(r.local_date)"
        located = (
            f"CAST({date} - julianday(%s) AS INTEGER) AS day, "
            f"CAST(({date} - julianday(%s)) / 7 AS INTEGER) AS week, "
            "CAST(strftime('%%Y', r.local_date) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', r.local_date) AS INTEGER) - %s AS month"
        )
        located_params = [start.isoformat(), monday.isoformat(), start.year * 12 + start.month]
        one, bit_or, offset = "1", "SUM(DISTINCT {})", ""
    else:
        located = (
            "width_bucket(r.at, %s::timestamptz[]) - 1 AS day, "
            "width_bucket(r.at, %s::timestamptz[]) - 1 AS week, "
            "width_bucket(r.at, %s::timestamptz[]) - 1 AS month"
        )
        located_params = [
            [_midnight(start + datetime.timedelta(days=i)) for i in range(days + 1)],
            [_midnight(monday + datetime.timedelta(weeks=i)) for i in range(weeks + 1)],
            [_midnight(day) for day in _month_starts(start, months + 1)],
        ]
        one, bit_or, offset = "CAST(1 AS bigint)", "BIT_OR({})", " OFFSET 0"

    def masks(index: str, size: int) -> list[str]:
        return [
            bit_or.format(
                f"CASE WHEN c.ok = 1 AND c.{index} >= {low} AND c.{index} < {low + BITS} "
                f"THEN {one} << (c.{index} - {low}) ELSE 0 END"
            )
            for low in range(0, max(size, 1), BITS)
        ]

    week_masks, month_masks = masks("week", weeks), masks("month", months)
    # Each contribution's activity type as its index in TYPES, worked out once per row.
    type_index = f"CASE r.kind {' '.join(f'WHEN %s THEN {i}' for i in range(len(TYPES)))} END"
    columns = [
        "SUM(c.ok)",
        "SUM(c.ok * c.minutes)",
        f"SUM(CASE WHEN c.method IN ({', '.join(['%s'] * len(check_in_methods))}) "
        "THEN 1 ELSE 0 END)",
        "MIN(CASE WHEN c.ok = 1 THEN c.month END)",
        "MAX(CASE WHEN c.ok = 1 THEN c.month END)",
        bit_or.format(f"CASE WHEN c.ok = 1 AND c.t >= 0 THEN {one} << c.t ELSE 0 END"),
        *week_masks,
        *month_masks,
        *(f"SUM(CASE WHEN c.t = {i} THEN c.ok * c.minutes ELSE 0 END)" for i in range(len(TYPES))),
    ]
    # Grouped by the member alone (so PostgreSQL hashes a hundred thousand groups in memory,
    # rather than sorting the period), then joined to the members for their answers.
    members = member_rows().values(*MEMBER, "joined_at", mid=F("pk")).order_by()
    member_sql, member_params = members.query.sql_with_params()
    # Only the ORM's own SQL and fixed text are put in; the values are parameters.
    sql = (
        f"SELECT g.*, {', '.join(f'm.{name}' for name in MEMBER)}, "  # noqa: S608
        "CASE WHEN m.joined_at >= %s AND m.joined_at < %s THEN 1 ELSE 0 END FROM ("
        f"SELECT c.who, {', '.join(columns)} FROM ("
        f"SELECT r.*, CASE WHEN r.status = %s THEN 1 ELSE 0 END AS ok, {type_index} AS t, "
        f"{located} "
        f"FROM ({inner}) r{offset}) c GROUP BY c.who) g "
        f"JOIN ({member_sql}) m ON m.mid = g.who"
    )
    # The parameters in the order they appear: the joining dates', the aggregates' (a SELECT
    # list precedes its FROM), the status's, the types', the located columns', the inner
    # query's, the members'.
    since, until = (
        connection.ops.adapt_datetimefield_value(_midnight(day))
        for day in (start, end + datetime.timedelta(days=1))
    )
    params = [since, until, *check_in_methods, ContributionStatus.APPROVED, *TYPES]
    params += located_params
    params += [*inner_params, *member_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    n_weeks, n_months, n_members = len(week_masks), len(month_masks), len(MEMBER) + 1
    first_month = start.year * 12 + start.month
    result = []
    for row in found:
        member, approved, minutes, check_ins, first, last, type_mask = row[:7]
        type_minutes = row[7 + n_weeks + n_months : -n_members]
        area, age_band, gender, consents, new, joined = row[-n_members:]
        type_mask = int(type_mask or 0)
        result.append(
            MemberPeriod(
                member=member,
                area=area,
                age_band=age_band,
                gender=gender,
                consents=bool(consents),
                new_to_volunteering=None if new is None else bool(new),
                joined=bool(joined),
                approved=int(approved),
                minutes=int(minutes),
                check_ins=int(check_ins),
                first_month=None if first is None else first_month + int(first),
                last_month=None if last is None else first_month + int(last),
                weeks=sum(int(m or 0).bit_count() for m in row[7 : 7 + n_weeks]),
                months=sum(
                    int(m or 0).bit_count() for m in row[7 + n_weeks : 7 + n_weeks + n_months]
                ),
                types={t: int(type_minutes[i]) for i, t in enumerate(TYPES) if type_mask >> i & 1},
            )
        )
    return result
