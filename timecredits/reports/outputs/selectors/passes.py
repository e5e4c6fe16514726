"""The period's contributions in one member-level pass, folded in the database (see `figures`).

One statement reads the filter's contributions in the period once, as their facts
(`reports.facts`: one narrow row per contribution, with its session's time, its activity's
organisation and type, and the credits its earnings brought, kept by triggers), so no session,
activity or ledger row is read. Grouped by member, each member's row holds their approved
contributions and minutes, check-ins, the credits earned, first and last months, how many
calendar weeks and months they gave time in, the activity types they gave time at (a mask, and
the minutes at each), their area, answers and consent, whether they joined in the period and,
for each active member, whether they gave time under the filter before it (retention's cohort:
their start in the programme, kept by triggers as `MemberStart`, where the filter is of who the
members are only; otherwise looked up member by member, in their own facts) and, when a
retention figure is already known, their last month after it (looked up too). Those rows are
then folded in the same statement into every headline contribution figure, breakdown,
regularity and retention count (`Fold`), so only a few dozen rows come back rather than a row
per member.

The filter's conditions are the ORM's own (`figures._contributions`); the grouping is
written here. On PostgreSQL each contribution's local week and month are found by
`width_bucket` among the period's local midnights (a few comparisons, worked out in each of the
three or four aggregates that read them: nothing fences the rows off, so PostgreSQL groups them
in parallel workers), and weeks and months are counted from bit masks (a `COUNT(DISTINCT)`
would sort the period); SQLite (the tests) works them out from the local date Django gives it
and counts them with `COUNT(DISTINCT)`.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from timecredits.activities.selectors import ActivityType
from timecredits.members.selectors import member_rows

from ... import calendars

# Bits per mask column: a bigint holds 63 without its sign.
BITS = 62
TYPES = list(ActivityType.values)
# A member of the retention cohort: active in the period, with nothing before it.
_STARTED = "p.approved > 0 AND p.fresh = 1"
_DAY = datetime.timedelta(days=1)
MEMBER = ["area", "age_band", "gender", "reports_consent", "new_to_volunteering"]


@dataclass(slots=True)
class Fold:
    """The period's contributions under the filter, folded over its members."""

    active: int = 0  # members with an approved contribution
    minutes: int = 0  # their approved minutes
    check_ins: int = 0  # contributions by QR poster, kiosk or pass, whatever their status
    earned: int = 0  # ledger minutes their earnings brought, net of reversals, whatever status
    check_in_people: int = 0
    # Active members who joined in the period, by their answer to "new to volunteering"
    # ("yes", "no", "unknown").
    joined: dict = field(default_factory=dict)
    # (members, minutes) of the active members by area, by age band and gender (those who
    # consent to reports), by activity type given time at, and by regularity.
    area: dict = field(default_factory=dict)
    age_band: dict = field(default_factory=dict)
    gender: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)
    regularity: dict = field(default_factory=dict)
    # Retention: "cohort" (active, none before the period) and, for each N known, "N".
    retention: dict = field(default_factory=dict)
    # The calendar weeks and months regularity counted: the period's, or so far.
    counted: tuple = (0, 0)
    # Sessions held and active organisations (distinct among the approved), when asked for.
    held: dict = field(default_factory=dict)
    # Members who spent, donated or had credits expire in the period, by the move's kind, where
    # their calendars were read.
    moved: dict = field(default_factory=dict)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _month_starts(first: datetime.date, count: int) -> list[datetime.date]:
    index = first.year * 12 + first.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index, index + count)]


def weeks_and_months(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """How many calendar weeks (Monday to Sunday) and months the days `start` to `end` touch."""
    end = max(start, end)
    monday = start - datetime.timedelta(days=start.weekday())
    return (end - monday).days // 7 + 1, end.year * 12 + end.month - (
        start.year * 12 + start.month
    ) + 1


def member_fold(
    contributions,
    *,
    start: datetime.date,
    end: datetime.date,
    before,
    later,
    starts=None,
    known=(),
    until: datetime.date | None = None,
    held: bool = False,
    calendar=None,
    totals=None,
) -> Fold:
    """Fold `contributions` (a QuerySet of the filter's contributions in the period, any
    status) over their members.

    `before` and `later` are QuerySets of the approved contributions under the filter before the
    period and after it. `later` is read only when some retention figures are `known` (their
    N), for each member's last month with one. `starts`, where the filter narrows by nothing but
    who the members are, is the programme's `MemberStart` rows: whether a member gave time
    before the period is then their start, joined, rather than a look-up in `before`.
    Regularity counts the weeks and months of the period `until` that day (by default its
    last): a period still running, so far. With `held`, the same read of the contributions
    counts the distinct sessions and organisations of the approved ones too (`Fold.held`): it
    is then kept (materialized) for both, which pays where the filter leaves few, and would
    keep a year's whole programme from being grouped in parallel.

    With `calendar` (a programme's id, on PostgreSQL, for whole months of the programme with no
    filter), each member's row is read from their calendar (`reports.calendars`) rather than
    grouped from the facts, and what is not the members' (minutes by activity type, check-ins,
    credits earned, sessions held and active organisations) from the period's sessions' totals
    (`Fold.held` too). With `totals` (a programme's id, on PostgreSQL, for any period of the
    programme with no filter), those are read from the sessions' totals while the members' rows
    are still grouped from the facts, which then leave out what the totals give."""
    totals = calendar if calendar is not None else totals
    monday = start - datetime.timedelta(days=start.weekday())
    weeks, months = weeks_and_months(start, end)
    so_far = weeks_and_months(start, min(end, until or end))
    weeks_so_far, months_so_far = so_far
    first_month = start.year * 12 + start.month
    sqlite = connection.vendor == "sqlite"
    when = {"local_date": TruncDate("at")} if sqlite else {}
    rows = contributions.values(
        "minutes",
        "approved",
        "check_in",
        "earned",
        "kind",
        *([] if sqlite else ["at"]),
        who=F("member"),
        **({"at_session": F("session"), "of_group": F("organisation")} if held else {}),
        **when,
    ).order_by()
    inner, inner_params = rows.query.sql_with_params()
    if sqlite:
        date = "julianday(r.local_date)"
        located = (
            f"CAST(({date} - julianday(%s)) / 7 AS INTEGER) AS week, "
            "CAST(strftime('%%Y', r.local_date) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', r.local_date) AS INTEGER) - %s AS month"
        )
        located_params = [monday.isoformat(), first_month]
        one, bit_or = "1", "SUM(DISTINCT {})"

        def counted(index: str, size: int) -> list[str]:
            return [f"COUNT(DISTINCT CASE WHEN c.ok = 1 THEN c.{index} END)"]

        def summed(columns: list[str]) -> str:
            return columns[0]
    else:
        located = (
            "width_bucket(r.at, %s::timestamptz[]) - 1 AS week, "
            "width_bucket(r.at, %s::timestamptz[]) - 1 AS month"
        )
        located_params = [
            [_midnight(monday + datetime.timedelta(weeks=i)) for i in range(weeks + 1)],
            [_midnight(day) for day in _month_starts(start, months + 1)],
        ]
        one, bit_or = "CAST(1 AS bigint)", "BIT_OR({})"

        def counted(index: str, size: int) -> list[str]:
            # One mask column per BITS weeks or months, each bit one of them.
            if size <= BITS:
                return [bit_or.format(f"CASE WHEN c.ok = 1 THEN {one} << c.{index} ELSE 0 END")]
            return [
                bit_or.format(
                    f"CASE WHEN c.ok = 1 AND c.{index} >= {low} AND c.{index} < {low + BITS} "
                    f"THEN {one} << (c.{index} - {low}) ELSE 0 END"
                )
                for low in range(0, size, BITS)
            ]

        def summed(columns: list[str]) -> str:
            return " + ".join(f"bit_count(CAST({c} AS bit(64)))" for c in columns)

    week_columns, month_columns = counted("week", weeks), counted("month", months)
    # Each contribution's activity type as its index in TYPES is looked up in a small table
    # rather than written as an expression: the planner copies a subquery's expressions into
    # every aggregate that reads them (so an activity type's CASE would be worked out a dozen
    # times per row), while a joined column is read as it is. With nothing to keep apart,
    # PostgreSQL groups the period's rows in parallel.
    types = " UNION ALL ".join(f"SELECT %s AS kind, {i} AS t" for i in range(len(TYPES)))
    n_weeks, n_months = len(week_columns), len(month_columns)
    columns = [
        "SUM(c.ok) AS approved",
        "SUM(c.ok * c.minutes) AS minutes",
        "SUM(c.check_in) AS check_ins",
        "SUM(c.earned) AS earned",
        "MIN(CASE WHEN c.ok = 1 THEN c.month END) AS first",
        "MAX(CASE WHEN c.ok = 1 THEN c.month END) AS last",
        bit_or.format(f"CASE WHEN c.ok = 1 AND c.t >= 0 THEN {one} << c.t ELSE 0 END")
        + " AS tmask",
        *(f"{c} AS w{i}" for i, c in enumerate(week_columns)),
        *(f"{c} AS m{i}" for i, c in enumerate(month_columns)),
        # Each activity type's minutes, unless the sessions' totals give them.
        *(
            f"SUM(CASE WHEN c.t = {i} THEN c.ok * c.minutes ELSE 0 END) AS tm{i}"
            for i in range(len(TYPES) if totals is None else 0)
        ),
    ]
    members = member_rows().values(*MEMBER, "joined_at", mid=F("pk")).order_by()
    member_sql, member_params = members.query.sql_with_params()
    # Whether each active member gave time before the period: their kept start, one hashed
    # join (a look-up per member cost half a second over a generated year), where there is one
    # for the filter. Otherwise, and for the last month each member of the cohort gave time in
    # after it (once retention's figures are known), look-ups in that member's own facts by
    # their (member, time) index, rather than reads of everything before or after the period:
    # a scalar subquery with a LIMIT is never hashed into such a read.
    since = connection.ops.adapt_datetimefield_value(_midnight(start))
    if calendar is not None:
        # The months before the period, in the member's calendar.
        gave_before, before_params, started, started_params = "g.before_n > 0", [], "", []
    elif starts is None:
        before_sql, before_params = (
            before.filter(member=RawSQL("g.who", ())).values("member")[:1].query.sql_with_params()
        )
        gave_before, started, started_params = f"({before_sql}) IS NOT NULL", "", []
    else:
        # An active member's start is never empty: they gave time in the period.
        gave_before, before_params = "(st.first_at IS NOT NULL AND st.first_at < %s)", [since]
        started_sql, started_params = (
            starts.values("first_at", started=F("member")).order_by().query.sql_with_params()
        )
        started = f"LEFT JOIN ({started_sql}) st ON st.started = g.who "
    last, last_params = "q.last", []
    if known:
        later_sql, later_params = (
            later.filter(member=RawSQL("q.who", ()))
            .order_by("-at")
            .values(month=ExtractYear("at") * 12 + ExtractMonth("at"))[:1]
            .query.sql_with_params()
        )
        last = (
            f"CASE WHEN q.fresh = 1 AND q.approved > 0 "
            f"THEN COALESCE(({later_sql}) - %s, q.last) ELSE q.last END"
        )
        last_params = [*later_params, first_month]
    # Grouped by the member alone (so PostgreSQL hashes a hundred thousand groups in memory,
    # rather than sorting the period), then joined to the members for their answers.
    weeks_count = summed([f"g.w{i}" for i in range(n_weeks)])
    months_count = summed([f"g.m{i}" for i in range(n_months)])
    grouped = [
        (f"SELECT c.who, {', '.join(columns)} FROM (", []),  # noqa: S608
        (f"SELECT r.*, r.approved AS ok, k.t, {located} ", located_params),
        ("FROM r0 r ", []),
        (f"LEFT JOIN ({types}) k ON k.kind = r.kind) c GROUP BY c.who) g ", TYPES),
    ]
    by_type = [f"g.tm{i}" if totals is None else "0" for i in range(len(TYPES))]
    moves = ""
    if calendar is not None:
        kept, kept_params = calendars.period(start, end)
        grouped = [(f"{kept}) g ", [*kept_params, calendar])]
        weeks_count, months_count = "g.weeks_n", "g.months_n"
        moves = ", ".join(f"g.{kind}" for kind in calendars.MOVES.values()) + ", "
    # Only the ORM's own SQL and fixed text are put in; the values are parameters. The
    # parameters go in the order they appear.
    pieces = [
        (f"WITH r0 AS {'' if held else 'NOT '}MATERIALIZED ({inner}), ", inner_params),
        (f"p AS (SELECT q.*, {last} AS retained FROM (", last_params),  # noqa: S608
        (
            "SELECT g.who, g.approved, g.minutes, g.check_ins, g.earned, g.first, g.last, "
            f"g.tmask, {moves}",
            [],
        ),
        (f"{weeks_count} AS weeks, {months_count} AS months, ", []),
        (", ".join(f"{t} AS tm{i}" for i, t in enumerate(by_type)) + ", ", []),
        (", ".join(f"m.{name}" for name in MEMBER) + ", ", []),
        (
            "CASE WHEN m.joined_at >= %s AND m.joined_at < %s THEN 1 ELSE 0 END AS joined, ",
            [since, connection.ops.adapt_datetimefield_value(_midnight(end + _DAY))],
        ),
        (
            f"CASE WHEN g.approved > 0 AND NOT {gave_before} THEN 1 ELSE 0 END AS fresh FROM (",
            before_params,
        ),
        *grouped,
        (
            f"JOIN ({member_sql}) m ON m.mid = g.who {started}) q) ",
            [*member_params, *started_params],
        ),
    ]
    # The figures of one number each (and the people or minutes beside it) in one read of p,
    # each then given a row of its own; the tables by a key, one read each.
    check_ins, earned = "SUM(p.check_ins)", "SUM(p.earned)"
    type_minutes = [(f"SUM(p.tm{i})", []) for i in range(len(TYPES))]
    if totals is not None:
        # What is not the members', from the period's sessions' totals.
        pieces.append(
            (
                f", st AS MATERIALIZED ({calendars.sessions_in()}), "  # noqa: S608
                "kinds AS (SELECT st.kind, SUM(st.minutes) AS minutes, SUM(st.check_ins) AS "
                "check_ins, SUM(st.earned) AS earned FROM st GROUP BY st.kind) ",
                [totals, since, connection.ops.adapt_datetimefield_value(_midnight(end + _DAY))],
            )
        )
        check_ins = "(SELECT COALESCE(SUM(check_ins), 0) FROM kinds)"
        earned = "(SELECT COALESCE(SUM(earned), 0) FROM kinds)"
        type_minutes = [
            ("(SELECT COALESCE(SUM(minutes), 0) FROM kinds WHERE kind = %s)", [t]) for t in TYPES
        ]
    single = [
        *(
            ("moved", kind, f"SUM(CASE WHEN p.{name} > 0 THEN 1 ELSE 0 END)", "0", [])
            for kind, name in (calendars.MOVES.items() if calendar is not None else ())
        ),
        ("total", "", "SUM(CASE WHEN p.approved > 0 THEN 1 ELSE 0 END)", "SUM(p.minutes)", []),
        ("check_ins", "", check_ins, "SUM(CASE WHEN p.check_ins > 0 THEN 1 ELSE 0 END)", []),
        ("earned", "", earned, "0", []),
        *(
            (
                "type",
                t,
                f"SUM(CASE WHEN (p.tmask & {1 << i}) <> 0 THEN 1 ELSE 0 END)",
                minutes,
                minutes_params,
            )
            for i, (t, (minutes, minutes_params)) in enumerate(
                zip(TYPES, type_minutes, strict=True)
            )
        ),
        ("retention", "cohort", f"SUM(CASE WHEN {_STARTED} THEN 1 ELSE 0 END)", "0", []),
        *(
            (
                "retention",
                str(n),
                f"SUM(CASE WHEN {_STARTED} AND p.retained >= p.first + %s THEN 1 ELSE 0 END)",
                "0",
                [n],
            )
            for n in known
        ),
    ]
    pieces.append(
        (
            ", s AS MATERIALIZED (SELECT "  # noqa: S608 (fixed text)
            + ", ".join(f"{n} AS n{i}, {m} AS m{i}" for i, (_, _, n, m, _) in enumerate(single))
            + " FROM p) ",
            [p for *_, ps in single for p in ps],
        )
    )
    active = "FROM p WHERE p.approved > 0"
    parts = [
        *(
            (f"SELECT %s, %s, s.n{i}, s.m{i} FROM s", [part, key])  # noqa: S608
            for i, (part, key, *_) in enumerate(single)
        ),
        (f"SELECT 'area', p.area, COUNT(*), SUM(p.minutes) {active} GROUP BY p.area", []),
        *(
            (
                f"SELECT '{name}', p.{name}, COUNT(*), SUM(p.minutes) {active} "
                f"AND p.reports_consent GROUP BY p.{name}",
                [],
            )
            for name in ("age_band", "gender")
        ),
        (
            "SELECT 'joined', CASE WHEN p.new_to_volunteering IS NULL THEN 'unknown' "
            "WHEN p.new_to_volunteering THEN 'yes' ELSE 'no' END, COUNT(*), 0 "
            f"{active} AND p.joined = 1 GROUP BY 2",
            [],
        ),
        (
            "SELECT 'regularity', CASE WHEN p.weeks >= %s THEN 'weekly' "
            "WHEN p.months >= %s THEN 'monthly' ELSE 'occasional' END, COUNT(*), "
            f"SUM(p.minutes) {active} GROUP BY 2",
            [(weeks_so_far + 1) // 2, (months_so_far + 1) // 2],
        ),
    ]
    if totals is not None:
        parts.append(
            (
                "SELECT 'held', '', COUNT(*), COUNT(DISTINCT st.organisation_id) FROM st "
                "WHERE st.approved > 0",
                [],
            )
        )
    elif held:
        parts.append(
            (
                "SELECT 'held', '', COUNT(DISTINCT CASE WHEN r0.approved = 1 THEN r0.at_session "
                "END), COUNT(DISTINCT CASE WHEN r0.approved = 1 THEN r0.of_group END) FROM r0",
                [],
            )
        )
    sql = "".join(text for text, _ in pieces) + " UNION ALL ".join(text for text, _ in parts)
    params = [p for _, ps in pieces for p in ps] + [p for _, ps in parts for p in ps]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    fold = Fold(counted=so_far)
    for part, key, n, minutes in found:
        n, minutes = int(n or 0), int(minutes or 0)
        if part == "total":
            fold.active, fold.minutes = n, minutes
        elif part == "check_ins":
            fold.check_ins, fold.check_in_people = n, minutes
        elif part == "earned":
            fold.earned = n
        elif part == "joined":
            fold.joined[key] = n
        elif part == "retention":
            fold.retention[key] = n
        elif part == "moved":
            fold.moved[key] = n
        elif part == "held":
            fold.held = {"sessions_held": n, "active_organisations": minutes}
        elif part != "type" or n:
            getattr(fold, "types" if part == "type" else part)[key] = (n, minutes)
    return fold
