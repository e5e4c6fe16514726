"""The period's contributions in one member-level pass (see `figures`).

One grouped query over the filter's contributions in the period yields a row per member who
has any: their minutes, contributions, check-ins, first and last days, the calendar weeks and
months they gave time in (as bit masks) and the activity types they gave time at (a mask, and
the minutes of each). `figures` folds every headline figure, breakdown, regularity and
retention figure from those rows in Python, so the year is read once, not once per table.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Count,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate

from timecredits.activities.selectors import ActivityType

# Bits per mask column: a bigint holds 63 without its sign; 62 keeps the sums of SQLite's
# stand-in (below) clear of it too.
BITS = 62
TYPES = list(ActivityType.values)


class DaysSince(Func):
    """Whole days from `origin` (a date) to the local date of a timestamp."""

    output_field = IntegerField()

    def __init__(self, moment, origin: datetime.date):
        super().__init__(TruncDate(moment), Value(origin))

    def as_sql(self, compiler, connection, **extra):
        (day, day_params), (origin, origin_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({day}) - julianday({origin}) AS INTEGER)"
        else:  # PostgreSQL: date - date is a number of days
            sql = f"({day} - {origin})"
        return sql, (*day_params, *origin_params)


class Bit(Func):
    """2 to the power of an integer expression, as a bigint."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        (index, params) = compiler.compile(self.get_source_expressions()[0])
        one = "1" if connection.vendor == "sqlite" else "CAST(1 AS bigint)"
        return f"({one} << ({index}))", params


class BitOr(Aggregate):
    """The bitwise or of a column of distinct powers of two (or 0): PostgreSQL's BIT_OR; SQLite
    has none, and the sum of the distinct values is the same number."""

    function = "BIT_OR"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="SUM(DISTINCT %(expressions)s)", **extra
        )


def _masks(index, approved: Q, size: int) -> list:
    """BitOr aggregates over `index` (0 to size - 1) for the approved rows, BITS to a column."""
    masks = []
    for low in range(0, max(size, 1), BITS):
        in_chunk = approved & Q(**{f"{index}__gte": low, f"{index}__lt": low + BITS})
        bit = Bit(
            Func(index, Value(low), function="", arg_joiner=" - ", template="(%(expressions)s)")
        )
        masks.append(BitOr(Case(When(in_chunk, then=bit), default=Value(0))))
    return masks


def popcount(masks) -> int:
    return sum(int(m or 0).bit_count() for m in masks)


@dataclass(frozen=True)
class MemberPeriod:
    """One member's contributions under the filter in the period."""

    member: int
    area: str
    age_band: str
    gender: str
    consents: bool
    joined_at: datetime.datetime
    new_to_volunteering: bool | None
    approved: int  # approved contributions
    minutes: int  # their minutes
    check_ins: int  # contributions by QR poster, kiosk or pass, whatever their status
    first_day: int | None  # days from the period's start to the first approved one's
    last_day: int | None
    weeks: int  # calendar weeks with an approved contribution
    months: int  # calendar months with one
    types: dict  # activity type -> approved minutes, for the types given time at


def member_pass(
    contributions,
    *,
    start: datetime.date,
    end: datetime.date,
    approved: Q,
    check_in: Q,
    type_field: str,
    moment: str,
) -> list[MemberPeriod]:
    """`contributions` (the filter's in the period, any status) grouped by member."""
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = (end - monday).days // 7 + 1
    first_month = start.year * 12 + start.month
    months = end.year * 12 + end.month - first_month + 1
    qs = contributions.alias(
        day=DaysSince(moment, start),
        week=Func(
            DaysSince(moment, monday), template="(%(expressions)s / 7)", output_field=IntegerField()
        ),
        month=ExtractYear(moment) * 12 + ExtractMonth(moment) - first_month,
    )
    type_bit = Case(
        *(When(Q(**{type_field: t}) & approved, then=Value(1 << i)) for i, t in enumerate(TYPES)),
        default=Value(0),
        output_field=BigIntegerField(),
    )
    week_masks = _masks("week", approved, weeks)
    month_masks = _masks("month", approved, months)
    aggregates = {
        "_approved": Count("pk", filter=approved),
        "_minutes": Sum("minutes", filter=approved, default=0),
        "_check_ins": Count("pk", filter=check_in),
        "_first": Min("day", filter=approved),
        "_last": Max("day", filter=approved),
        "_types": BitOr(type_bit),
        **{f"w{i}": m for i, m in enumerate(week_masks)},
        **{f"m{i}": m for i, m in enumerate(month_masks)},
        **{
            f"t{i}": Sum("minutes", filter=approved & Q(**{type_field: t}), default=0)
            for i, t in enumerate(TYPES)
        },
    }
    fields = [
        "member",
        "member__area",
        "member__age_band",
        "member__gender",
        "member__reports_consent",
        "member__joined_at",
        "member__new_to_volunteering",
    ]
    grouped = qs.values(*fields).annotate(**aggregates).order_by()
    rows = []
    for g in grouped:
        mask = int(g["_types"] or 0)
        rows.append(
            MemberPeriod(
                member=g["member"],
                area=g["member__area"],
                age_band=g["member__age_band"],
                gender=g["member__gender"],
                consents=g["member__reports_consent"],
                joined_at=g["member__joined_at"],
                new_to_volunteering=g["member__new_to_volunteering"],
                approved=g["_approved"],
                minutes=int(g["_minutes"]),
                check_ins=g["_check_ins"],
                first_day=g["_first"],
                last_day=g["_last"],
                weeks=popcount(g[f"w{i}"] for i in range(len(week_masks))),
                months=popcount(g[f"m{i}"] for i in range(len(month_masks))),
                types={t: int(g[f"t{i}"]) for i, t in enumerate(TYPES) if mask >> i & 1},
            )
        )
    return rows
