"""Each member's calendar in each programme (PostgreSQL): in which months and weeks they gave
time, at which activity types, when they checked in, spent, donated or had credits expire, and
their approved minutes month by month, as a running total. One row per member and programme,
worked out again from that member's facts (`reports.facts`) at the commit of whatever changed
them, like their start (`MemberStart`).

A report over whole months with no filter reads a hundred thousand of these rather than a year's
million contributions and million moves: a member's months in the period are a slice of a bit
string (`substring`, then `bit_count`), and their minutes the difference of two running totals,
so nothing is grouped by member. `reports.outputs.selectors.passes` reads it.

Bits are counted from the member's first month (`base`: year * 12 + month, local time, of their
first fact or move there) and first week (`week_base`: weeks since Monday 3 January 2000 of
their first contribution), so a bit string is as long as the member's own history. A string is
built from the sorted positions of its set bits, each one a run of zeros closed by a one
(`lpad('1', gap, '0')`). Activity types take one stretch of bits each, type after type, as long
as the member's months (`span`).

Beside them, each session's totals (`SESSIONS`), for what a whole-programme report counts that
is not the members'.

SQLite (the tests, `make run`) keeps none: its reports read the facts.
"""

import datetime
import zoneinfo

from django.conf import settings

from timecredits.activities.selectors import ActivityType

TYPES = list(ActivityType.values)
EPOCH = "DATE '2000-01-03'"  # a Monday: week_number counts from it
TABLE = "reports_membercalendar"
# Which transaction last worked a row out, and how many statements had changed facts or moves
# in it by then (`CHANGES`, counted by a trigger of its own): a trigger that finds its row
# worked out since the last change skips it, so a change to many facts of one member or session
# (an activity moved, attendance recorded) works each out once rather than once per fact, when
# they fire at commit, at `facts.settle`, or statement by statement.
_ROUND_COLUMNS = "recounted_by xid8, recounted_at bigint"
_CHANGES = "COALESCE(NULLIF(current_setting('reports.changes', true), ''), '0')::bigint"
_ROUND = f"pg_current_xact_id(), {_CHANGES}"
# The months of a member's moves of credits, by the move's kind.
MOVES = {"spend": "spent", "donate": "donated", "expire": "expired"}
# The bit strings, with the facts each counts: (column, source, condition).
STRINGS = [
    ("months", "c", "c.approved = 1"),
    ("checked", "c", "c.check_in = 1"),
    # The months with approved time in their first week or in their last (a week that begins in
    # the month before or ends in the month after): a period's first and last weeks count only
    # for time given in the period.
    ("heads", "c", "c.approved = 1 AND c.wk = c.head"),
    ("tails", "c", "c.approved = 1 AND c.wk = c.tail"),
    *((name, "v", f"v.kind = '{kind}'") for kind, name in MOVES.items()),
]
COLUMNS = [
    "programme_id",
    "member_id",
    "base",
    "span",
    "week_base",
    *(name for name, *_ in STRINGS),
    "types",
    "weeks",
    "minutes",
]
CREATE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (programme_id bigint NOT NULL, member_id bigint NOT NULL, "
    "base integer NOT NULL, span integer NOT NULL, week_base integer, "
    + ", ".join(f"{name} varbit" for name, *_ in STRINGS)
    + f", types varbit, weeks varbit, minutes bigint[], {_ROUND_COLUMNS}, "
    "PRIMARY KEY (programme_id, member_id))",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]


def _zone() -> str:
    name = settings.TIME_ZONE
    zoneinfo.ZoneInfo(name)  # a zone's name, never anything else, goes into the SQL
    return name.replace("'", "''")


def _month(column: str) -> str:
    local = f"({column} AT TIME ZONE '{_zone()}')"
    return f"(EXTRACT(YEAR FROM {local})::int * 12 + EXTRACT(MONTH FROM {local})::int)"


def _week(column: str, *, month_end: str = "") -> str:
    """The week of `column`'s local day, or of the first or the last day of its month
    (`month_end`: "first", "last")."""
    day = f"({column} AT TIME ZONE '{_zone()}')"
    if month_end:
        day = f"date_trunc('month', {day})"
        if month_end == "last":
            day = f"({day} + interval '1 month' - interval '1 day')"
    return f"FLOOR((CAST({day} AS date) - {EPOCH}) / 7.0)::int"


def _bits(positions: str) -> str:
    """A bit string per (programme_id, member_id, what) from `positions`, a query of them with
    a bit's position `i` (from 0), each set bit once."""
    return (
        "SELECT programme_id, member_id, what, string_agg(lpad('1', (i - prev)::int, '0'), '' "  # noqa: S608
        "ORDER BY i)::varbit AS bits FROM (SELECT programme_id, member_id, what, i, "
        "COALESCE(LAG(i) OVER (PARTITION BY programme_id, member_id, what ORDER BY i), -1) "
        f"AS prev FROM ({positions}) d) g GROUP BY programme_id, member_id, what"
    )


def select(facts: str, moves: str) -> str:
    """The calendars, in COLUMNS' order, of the members and programmes whose contributions'
    facts `f` meet `facts` and whose moves `m` meet `moves` (conditions in SQL)."""
    kinds = " ".join(f"WHEN '{kind}' THEN {i}" for i, kind in enumerate(TYPES))
    positions = " UNION ".join(
        [
            *(
                f"SELECT programme_id, member_id, '{name}' AS what, {source}.mo - s.base AS i "  # noqa: S608
                f"FROM {source} JOIN s USING (programme_id, member_id) WHERE {condition}"
                for name, source, condition in STRINGS
            ),
            "SELECT programme_id, member_id, 'types', (CASE c.kind "  # noqa: S608 (fixed text)
            f"{kinds} END) * s.span + c.mo - s.base FROM c JOIN s USING (programme_id, member_id) "
            "WHERE c.approved = 1 AND c.kind IN (" + ", ".join(f"'{k}'" for k in TYPES) + ")",
            "SELECT programme_id, member_id, 'weeks', c.wk - s.week_base FROM c "
            "JOIN s USING (programme_id, member_id) WHERE c.approved = 1",
        ]
    )
    names = [*(name for name, *_ in STRINGS), "types", "weeks"]
    pivot = ", ".join(
        f"(array_agg(bits) FILTER (WHERE what = '{name}'))[1] AS {name}" for name in names
    )
    return (
        "WITH c AS MATERIALIZED (SELECT f.programme_id, f.member_id, f.approved, f.check_in, "  # noqa: S608
        f"f.minutes, f.kind, {_month('f.at')} AS mo, {_week('f.at')} AS wk, "
        f"{_week('f.at', month_end='first')} AS head, {_week('f.at', month_end='last')} AS tail "
        f"FROM reports_contributionfact f WHERE {facts}), "
        f"v AS MATERIALIZED (SELECT m.programme_id, m.member_id, m.kind, {_month('m.posted_at')} "
        "AS mo FROM reports_movefact m WHERE m.programme_id IS NOT NULL "
        f"AND m.kind IN ('spend', 'donate', 'expire') AND {moves}), "
        "s AS MATERIALIZED (SELECT programme_id, member_id, MIN(mo) AS base, "
        "MAX(mo) - MIN(mo) + 1 AS span, MIN(wk) AS week_base FROM ("
        "SELECT programme_id, member_id, mo, wk FROM c UNION ALL "
        "SELECT programme_id, member_id, mo, NULL FROM v) x GROUP BY programme_id, member_id), "
        f"b AS MATERIALIZED ({_bits(positions)}), "
        # Approved minutes by month, every month of the span, summed as they run.
        "r AS (SELECT programme_id, member_id, array_agg(run ORDER BY mo) AS minutes FROM ("
        "SELECT s.programme_id, s.member_id, g.mo, SUM(COALESCE(t.minutes, 0)) OVER "
        "(PARTITION BY s.programme_id, s.member_id ORDER BY g.mo)::bigint AS run "
        "FROM s CROSS JOIN LATERAL generate_series(s.base, s.base + s.span - 1) g(mo) "
        "LEFT JOIN (SELECT programme_id, member_id, mo, SUM(minutes) AS minutes FROM c "
        "WHERE approved = 1 GROUP BY programme_id, member_id, mo) t "
        "ON t.programme_id = s.programme_id AND t.member_id = s.member_id AND t.mo = g.mo) d "
        "GROUP BY programme_id, member_id) "
        f"SELECT s.programme_id, s.member_id, s.base, s.span, s.week_base, "
        f"{', '.join(f'p.{name}' for name in names)}, r.minutes FROM s "
        f"LEFT JOIN (SELECT programme_id, member_id, {pivot} FROM b "
        "GROUP BY programme_id, member_id) p USING (programme_id, member_id) "
        "LEFT JOIN r USING (programme_id, member_id)"
    )


def month_number(day) -> int:
    return day.year * 12 + day.month


def week_number(day) -> int:
    return (day - datetime.date(2000, 1, 3)).days // 7


def period(first: datetime.date, last: datetime.date) -> tuple[str, list]:
    """The programme's members' rows (its id the one parameter) for the whole months `first`
    (a 1st) to `last` (a month's last day), with what the member pass groups from the facts:
    `who`, `approved` (their months with approved time, for "any"), `minutes`, `check_ins`
    (their months with one, for "any"), `first` and `last` (the period's months, from 0),
    `tmask` (a bit per activity type, as TYPES), `weeks_n` and `months_n` (counted), the
    months they spent, donated and had credits expire in (`spent`, `donated`, `expired`), and
    the months they gave approved time in before the period (`before_n`).
    Members with nothing in the period have no months and no check-ins."""
    s, e = month_number(first), month_number(last)
    n = e - s + 1
    monday = first - datetime.timedelta(days=first.weekday())
    w, weeks = week_number(monday), (last - monday).days // 7 + 1

    def slice_of(column: str, month: int | None = None) -> str:
        if month is not None:  # the one month's bit
            return f"substring(k.{column} from {month} - k.base + 1 for 1)"
        return f"substring(k.{column} from {s} - k.base + 1 for {n})"

    def counted(column: str, month: int | None = None) -> str:
        return f"COALESCE(bit_count({slice_of(column, month)}), 0)"

    # Where the period's slice starts among the member's months, and the period's month its
    # first bit is (a member who began during the period).
    into, shift = f"GREATEST({s} - k.base, 0)", f"GREATEST(k.base - {s}, 0)"
    within = f"GREATEST(LEAST({e} - k.base + 1, k.span) - {into}, 0)"
    tmask = " + ".join(
        f"CASE WHEN bit_count(substring(k.types from {t} * k.span + {into} + 1 for {within})) "
        f"> 0 THEN {1 << t} ELSE 0 END"
        for t in range(len(TYPES))
    )
    # Each slice cut once, in a subquery PostgreSQL keeps apart (OFFSET 0: pulled up, each use
    # of a column would cut it again), then counted.
    return (
        "SELECT y.who, y.approved, y.minutes, y.check_ins, 0 AS earned, "  # noqa: S608 (whole numbers)
        "CASE WHEN y.approved > 0 THEN position(B'1' IN y.months) - 1 + y.shift END AS first, "
        "CASE WHEN y.approved > 0 THEN length(rtrim(CAST(y.months AS text), '0')) - 1 + y.shift "
        "END AS last, y.tmask, y.weeks_n, y.approved AS months_n, y.spent, y.donated, y.expired, "
        "y.before_n "
        "FROM (SELECT x.*, COALESCE(bit_count(x.months), 0) AS approved FROM ("
        f"SELECT k.member_id AS who, {slice_of('months')} AS months, {shift} AS shift, "
        f"COALESCE(k.minutes[LEAST({e} - k.base + 1, k.span)], 0) "
        f"- COALESCE(k.minutes[LEAST({s} - k.base, k.span)], 0) AS minutes, "
        f"{counted('checked')} AS check_ins, {tmask} AS tmask, "
        f"COALESCE(bit_count(substring(k.weeks from {w + 1} - k.week_base + 1 "
        f"for {weeks - 2})), 0) + {counted('heads', s)} + {counted('tails', e)} AS weeks_n, "
        f"{counted('spent')} AS spent, {counted('donated')} AS donated, "
        f"{counted('expired')} AS expired, "
        f"COALESCE(bit_count(substring(k.months from 1 for {into})), 0) AS before_n "
        f"FROM {TABLE} k WHERE k.programme_id = %s "
        f"AND k.base <= {e} AND k.base + k.span > {s} OFFSET 0) x OFFSET 0) y",
        [],
    )


def _recount(row: str) -> str:
    """The calendar of the member and programme of `row` (NEW or OLD, of a fact or a move)
    worked out again. Its row is taken first (made if missing, locked if there), so on
    PostgreSQL a transaction changing the same member's facts waits for this one to commit and
    then reads them afresh, with what this one wrote (as `reports.facts` keeps their start);
    then it is written again from the facts, or left out if none are left."""
    member, programme = f"{row}.member_id", f"{row}.programme_id"
    key = f"programme_id = {programme} AND member_id = {member}"
    return (
        f"IF {programme} IS NOT NULL AND NOT {_done(TABLE, key)} THEN "  # noqa: S608 (fixed text)
        f"INSERT INTO {TABLE} (programme_id, member_id, base, span) "
        f"VALUES ({programme}, {member}, 0, 0) ON CONFLICT (programme_id, member_id) "
        f"DO UPDATE SET base = {TABLE}.base; "
        f"DELETE FROM {TABLE} WHERE {key}; "
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, recounted_by, recounted_at) "
        "SELECT k.*, "
        + _ROUND
        + " FROM ("
        + select(
            f"f.member_id = {member} AND f.programme_id = {programme}",
            f"m.member_id = {member} AND m.programme_id = {programme}",
        )
        + ") k; END IF"
    )


def _done(table: str, key: str) -> str:
    """Whether the row of `key` was worked out in this transaction since its last change of the
    facts or moves."""
    return (
        f"EXISTS (SELECT 1 FROM {table} WHERE {key} AND recounted_by = pg_current_xact_id() "  # noqa: S608
        f"AND recounted_at = {_CHANGES})"
    )


def _both() -> str:
    """The old row's calendar, and the new one's where the row moved to another."""
    return (
        f"{_recount('OLD')}; IF (OLD.member_id, OLD.programme_id) IS DISTINCT FROM "
        f"(NEW.member_id, NEW.programme_id) THEN {_recount('NEW')}; END IF"
    )


_MOVING = "IN ('spend', 'donate', 'expire')"

# (name, table, event, condition, statement), as `reports.facts` installs its own: each worked
# out at commit (deferred), after every other lock the transaction takes.
TRIGGERS = [
    ("reports_calendar_fact_added", "reports_contributionfact", "INSERT", "", _recount("NEW")),
    (
        "reports_calendar_fact_changed",
        "reports_contributionfact",
        "UPDATE",
        ["approved", "check_in", "minutes", "kind", "at", "member_id", "programme_id"],
        _both(),
    ),
    ("reports_calendar_fact_deleted", "reports_contributionfact", "DELETE", "", _recount("OLD")),
    (
        "reports_calendar_moved",
        "reports_movefact",
        "INSERT",
        f"NEW.kind {_MOVING}",
        _recount("NEW"),
    ),
    (
        "reports_calendar_move_changed",
        "reports_movefact",
        "UPDATE",
        ["member_id", "programme_id", "kind", "posted_at"],
        _both(),
    ),
    (
        "reports_calendar_move_deleted",
        "reports_movefact",
        "DELETE",
        f"OLD.kind {_MOVING}",
        _recount("OLD"),
    ),
]
REBUILD = [
    f"DELETE FROM {TABLE}",  # noqa: S608 (fixed text)
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) {select('TRUE', 'TRUE')}",
]

# Each session's totals (PostgreSQL): its approved contributions and their minutes, its
# check-ins and the credits its contributions earned, with the session's programme, group,
# activity type and time as its facts have them. Worked out again from the session's facts at
# commit, like a calendar; a whole-programme report sums a year's hundred thousand sessions
# rather than its million facts for what is not the members' (minutes by activity type,
# check-ins, credits earned, sessions held and active organisations).
SESSIONS = "reports_sessiontotal"
SESSION_COLUMNS = [
    "session_id",
    "programme_id",
    "organisation_id",
    "kind",
    "at",
    "approved",
    "minutes",
    "check_ins",
    "earned",
]
CREATE += [
    f"CREATE TABLE IF NOT EXISTS {SESSIONS} (session_id bigint PRIMARY KEY, "
    "programme_id bigint NOT NULL, organisation_id bigint, kind varchar(32) NOT NULL, "
    "at timestamptz NOT NULL, approved integer NOT NULL, minutes bigint NOT NULL, "
    f"check_ins integer NOT NULL, earned bigint NOT NULL, {_ROUND_COLUMNS})",
    f"CREATE INDEX IF NOT EXISTS session_total_programme_at ON {SESSIONS} (programme_id, at)",
]
DROP += [f"DROP TABLE IF EXISTS {SESSIONS}"]


def _session_totals(where: str) -> str:
    return (
        f"SELECT f.session_id, MAX(f.programme_id), MAX(f.organisation_id), MAX(f.kind), "  # noqa: S608
        "MAX(f.at), SUM(f.approved), SUM(f.approved * f.minutes), SUM(f.check_in), "
        f"SUM(f.earned) FROM reports_contributionfact f WHERE {where} GROUP BY f.session_id"
    )


def _recount_session(row: str) -> str:
    """The totals of the session of the fact `row` (NEW or OLD) worked out again, its row taken
    first, as `_recount` does a calendar's."""
    session = f"{row}.session_id"
    key = f"session_id = {session}"
    return (
        f"IF NOT {_done(SESSIONS, key)} THEN "  # noqa: S608 (fixed text)
        f"INSERT INTO {SESSIONS} ({', '.join(SESSION_COLUMNS)}) "
        f"VALUES ({session}, 0, NULL, '', now(), 0, 0, 0, 0) ON CONFLICT (session_id) "
        f"DO UPDATE SET approved = {SESSIONS}.approved; "
        f"DELETE FROM {SESSIONS} WHERE {key}; "
        f"INSERT INTO {SESSIONS} ({', '.join(SESSION_COLUMNS)}, recounted_by, recounted_at) "
        "SELECT k.*, "
        + _ROUND
        + " FROM ("
        + _session_totals(f"f.session_id = {session}")
        + ") k; END IF"
    )


TRIGGERS += [
    (
        "reports_session_fact_added",
        "reports_contributionfact",
        "INSERT",
        "",
        _recount_session("NEW"),
    ),
    (
        "reports_session_fact_changed",
        "reports_contributionfact",
        "UPDATE",
        # The facts' columns the totals read (check_in for the totals' check_ins).
        [c if c != "check_ins" else "check_in" for c in SESSION_COLUMNS],
        f"{_recount_session('OLD')}; IF OLD.session_id <> NEW.session_id THEN "
        f"{_recount_session('NEW')}; END IF",
    ),
    (
        "reports_session_fact_deleted",
        "reports_contributionfact",
        "DELETE",
        "",
        _recount_session("OLD"),
    ),
]
REBUILD += [
    f"DELETE FROM {SESSIONS}",  # noqa: S608 (fixed text)
    f"INSERT INTO {SESSIONS} ({', '.join(SESSION_COLUMNS)}) {_session_totals('TRUE')}",
]


def sessions_in() -> str:
    """The programme's sessions' totals between two moments (the programme's id, then the
    moments, as parameters: the period's local midnights, made by Django, which knows the
    local time; a date turned to a moment in SQL was read in the connection's UTC)."""
    return f"SELECT t.* FROM {SESSIONS} t WHERE t.programme_id = %s AND t.at >= %s AND t.at < %s"  # noqa: S608


# Each statement that changes facts or moves counts one more change in its transaction (a
# setting of its own, undone with a savepoint rolled back), not deferred.
CHANGES = [
    (
        f"reports_calendar_changes_{table}",
        table,
        "INSERT OR UPDATE OR DELETE",
        "",
        f"PERFORM set_config('reports.changes', ({_CHANGES} + 1)::text, true)",
    )
    for table in ("reports_contributionfact", "reports_movefact")
]
