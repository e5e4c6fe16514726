"""What the output figures read, kept by triggers: the contributions (`ContributionFact`) and
the members' moves of credits (`MoveFact`).

A report over a year reads a million contributions. Read from `activities_contribution`, each
needs its session (for the time) and its activity (for the programme, organisation and type),
and the credits it earned are another million rows of the ledger; the spending needs each
transfer's accounts and redemption. The fact tables hold one narrow row per contribution and
per move with all of that copied in, so the report reads two tables.

The copies are kept by triggers, in the same transaction as the change, whatever made it (a
service, the admin, a migration): a contribution inserted, updated (status, minutes, method,
session, member) or deleted; a session moved to another time or activity; an activity moved to
another programme, organisation or type; an earning, or the reversal of one, posted to the
ledger for a contribution; and a spend, donation or expiry posted from a member's account, or
an expiry given back; and a member moved to another programme. A move copies what never
changes (the member, a spend's venue and offer), and the member's programme and the offer's
category, which follow a member moved to another programme and an offer recategorised. `rebuild`
recomputes every row from those tables (after a bulk load with the triggers off, and in the
migration that creates the tables); `tests/reports/outputs/test_facts.py` checks that the
triggers leave exactly what `rebuild` would, and that they are installed.

A third table, `MemberStart`, holds when each member first gave time in each programme (their
earliest approved fact), kept by triggers on the contribution facts themselves (at commit, on
PostgreSQL): retention's cohort is then one join rather than a look-up per active member. On
PostgreSQL each member's calendar in each programme (`reports.calendars`) is worked out again
from their facts and moves the same way, at commit.

These are the one place where reports reach into other apps' tables, and only in SQL that the
database runs: the ledger still imports no one.

`install` and `remove` are how the migration, and a bulk load, put the triggers in place and
take them away.
"""

from timecredits.activities.selectors import ContributionMethod

from . import calendars

# Contributions made by QR poster, door kiosk or pass: the check-ins.
CHECK_IN_METHODS = [ContributionMethod.POSTER, ContributionMethod.KIOSK, ContributionMethod.PASS]
_CHECK_INS = ", ".join(f"'{method}'" for method in CHECK_IN_METHODS)

# The fact of a contribution `c` (a row, or NEW in a trigger) with its session `s` and activity
# `a`, in the table's column order but `earned`.
_COLUMNS = (
    "contribution_id, programme_id, organisation_id, session_id, member_id, kind, at, "
    "approved, check_in, minutes"
)


def _values(c: str) -> str:
    return (
        f"{c}.id, a.programme_id, a.organisation_id, {c}.session_id, {c}.member_id, a.type, "
        f"s.starts_at, CASE WHEN {c}.status = 'approved' THEN 1 ELSE 0 END, "
        f"CASE WHEN {c}.method IN ({_CHECK_INS}) THEN 1 ELSE 0 END, {c}.minutes"
    )


# On PostgreSQL a contribution's fact is written holding one advisory lock shared, and a session
# or activity moved holds it alone while its facts follow (`_PG_LOCKS`): a check-in made while a
# session moves waits for the move to commit and copies the new time, or the move waits for the
# check-in and then changes its fact too, and two moves never cross. An advisory lock rather
# than FOR SHARE on the session and activity rows: those rows are locked in other orders by
# check-ins (a full session's count) and would deadlock. SQLite writes one at a time. A move of
# credits copies its member's programme holding a lock of that member's, shared, and a member
# moved to another programme holds theirs alone while their moves follow: a spend posted while
# its member moves ends with the new programme. Per member, not the facts' lock: a member is
# moved holding their row, and recording attendance writes a contribution (the facts' lock,
# shared) before it locks the next member, so the two deadlocked (found by review).
_UPSERT = (
    f"INSERT INTO reports_contributionfact ({_COLUMNS}, earned) "  # noqa: S608
    f"SELECT {_values('NEW')}, 0 FROM activities_session s "
    "JOIN activities_activity a ON a.id = s.activity_id WHERE s.id = NEW.session_id "
    "ON CONFLICT (contribution_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
)
_DELETE = "DELETE FROM reports_contributionfact WHERE contribution_id = OLD.id"
_ACTIVITY_OF_NEW = "FROM activities_activity a WHERE a.id = NEW.activity_id"
_MOVE_SESSION = (
    "UPDATE reports_contributionfact SET at = NEW.starts_at, "  # noqa: S608 (fixed text)
    f"programme_id = (SELECT a.programme_id {_ACTIVITY_OF_NEW}), "
    f"organisation_id = (SELECT a.organisation_id {_ACTIVITY_OF_NEW}), "
    f"kind = (SELECT a.type {_ACTIVITY_OF_NEW}) WHERE session_id = NEW.id"
)
_MOVE_ACTIVITY = (
    "UPDATE reports_contributionfact SET programme_id = NEW.programme_id, "
    "organisation_id = NEW.organisation_id, kind = NEW.type WHERE session_id IN "
    "(SELECT s.id FROM activities_session s WHERE s.activity_id = NEW.id)"
)
# An earning counts for its contribution; so does, against it, the reversal of an earning.
_EARNED = (
    "UPDATE reports_contributionfact SET earned = earned "
    "+ CASE WHEN NEW.kind = 'earn' THEN NEW.amount ELSE -NEW.amount END "
    "WHERE contribution_id = NEW.cause_id AND (NEW.kind = 'earn' OR EXISTS "
    "(SELECT 1 FROM ledger_transfer t WHERE t.id = NEW.reverses_id AND t.kind = 'earn'))"
)
_EARNING = (
    "NEW.cause_type = 'contribution' AND NEW.phase IN ('single', 'post') "
    "AND NEW.kind IN ('earn', 'reverse')"
)

# A member's credits leaving (spent, donated, expired) or coming back (an expiry reversed), from
# a posted transfer `t` (a row, or NEW) and the member's account `a`: the member, and a spend's
# venue (the account credited) and offer (its redemption's), none of which ever changes, and the
# member's programme and the offer's category, which a member moved to another programme and an
# offer recategorised take along (`_MEMBER_MOVED`, `_RECATEGORISED`).
_MOVE_COLUMNS = (
    "transfer_id, member_id, programme_id, kind, posted_at, venue_id, offer_id, category, amount"
)
_MOVING = "phase IN ('single', 'post') AND {t}.kind IN ('spend', 'donate', 'expire', 'reverse')"


def _move(t: str, source: str = "") -> str:
    """The select list, and the rest, of the fact of `t`; `source` joins `t` in when it is a
    table's row rather than NEW."""
    spend = f"CASE WHEN {t}.kind = 'spend' THEN"
    return (
        f"{t}.id, a.member_id, "  # noqa: S608 (fixed text)
        "(SELECT m.programme_id FROM members_member m WHERE m.id = a.member_id), "
        f"CASE WHEN {t}.kind = 'reverse' THEN 'restore' ELSE {t}.kind END, {t}.posted_at, "
        f"{spend} (SELECT v.organisation_id FROM ledger_account v "
        f"WHERE v.id = {t}.credit_account_id) END, "
        f"{spend} (SELECT r.offer_id FROM partners_redemption r WHERE r.id = {t}.cause_id) END, "
        f"{spend} (SELECT o.category FROM partners_redemption r JOIN partners_offer o "
        f"ON o.id = r.offer_id WHERE r.id = {t}.cause_id) END, "
        f"{t}.amount FROM {source}ledger_account a "
        f"WHERE a.id = CASE WHEN {t}.kind = 'reverse' THEN {t}.credit_account_id "
        f"ELSE {t}.debit_account_id END AND a.kind = 'member' AND ({t}.kind <> 'reverse' "
        f"OR EXISTS (SELECT 1 FROM ledger_transfer x WHERE x.id = {t}.reverses_id "
        "AND x.kind = 'expire'))"
    )


_MOVED = f"INSERT INTO reports_movefact ({_MOVE_COLUMNS}) SELECT {_move('NEW')}"
_MEMBER_MOVED = (
    "UPDATE reports_movefact SET programme_id = NEW.programme_id WHERE member_id = NEW.id"
)
# A spend's venue is its offer's organisation (which an offer never changes): read by venue, an
# offer's spends are a range of the (venue, posted_at) index rather than a read of every move.
_RECATEGORISED = (
    "UPDATE reports_movefact SET category = NEW.category "
    "WHERE venue_id = NEW.organisation_id AND offer_id = NEW.id"
)


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _recount_start(row: str) -> str:
    """`MemberStart` of the member and programme of the fact `row` (NEW or OLD) worked out again
    from their approved facts. Its row is taken first (made if missing, locked if there), so on
    PostgreSQL a transaction changing the same member's facts waits for this one to commit,
    and the earliest time is then read afresh, with what the other committed: a minimum kept
    by two at once would otherwise end with the one that read the other's fact not yet there.
    The row goes if nothing approved is left."""
    pair = f"member_id = {row}.member_id AND programme_id = {row}.programme_id"
    return (
        "INSERT INTO reports_memberstart (member_id, programme_id, first_at) "  # noqa: S608
        f"VALUES ({row}.member_id, {row}.programme_id, NULL) "
        "ON CONFLICT (member_id, programme_id) "
        "DO UPDATE SET first_at = reports_memberstart.first_at; "
        "UPDATE reports_memberstart SET first_at = (SELECT MIN(f.at) "
        f"FROM reports_contributionfact f WHERE f.member_id = {row}.member_id "
        f"AND f.programme_id = {row}.programme_id AND f.approved = 1) WHERE {pair}; "
        f"DELETE FROM reports_memberstart WHERE {pair} AND first_at IS NULL"
    )


_CONTRIBUTION = ["status", "minutes", "method", "session_id", "member_id"]
_STARTED = ["approved", "at", "member_id", "programme_id"]
_SESSION = ["starts_at", "activity_id"]
_ACTIVITY = ["programme_id", "organisation_id", "type"]

TRIGGERS = [
    # (name, table, events, condition, statement)
    ("reports_fact_added", "activities_contribution", "INSERT", "", _UPSERT),
    (
        "reports_fact_changed",
        "activities_contribution",
        "UPDATE",
        _CONTRIBUTION,
        _UPSERT,
    ),
    ("reports_fact_deleted", "activities_contribution", "DELETE", "", _DELETE),
    ("reports_fact_session_moved", "activities_session", "UPDATE", _SESSION, _MOVE_SESSION),
    ("reports_fact_activity_moved", "activities_activity", "UPDATE", _ACTIVITY, _MOVE_ACTIVITY),
    ("reports_fact_earned", "ledger_transfer", "INSERT", _EARNING, _EARNED),
    ("reports_fact_moved", "ledger_transfer", "INSERT", "NEW." + _MOVING.format(t="NEW"), _MOVED),
    ("reports_fact_member_moved", "members_member", "UPDATE", ["programme_id"], _MEMBER_MOVED),
    ("reports_fact_recategorised", "partners_offer", "UPDATE", ["category"], _RECATEGORISED),
    # When each member first gave time, from the facts themselves.
    (
        "reports_fact_started",
        "reports_contributionfact",
        "INSERT",
        "NEW.approved = 1",
        _recount_start("NEW"),
    ),
    (
        "reports_fact_start_moved",
        "reports_contributionfact",
        "UPDATE",
        _STARTED,
        _recount_start("OLD") + "; " + _recount_start("NEW"),
    ),
    (
        "reports_fact_start_gone",
        "reports_contributionfact",
        "DELETE",
        "OLD.approved = 1",
        _recount_start("OLD"),
    ),
]
# On PostgreSQL a member's start is worked out at commit (deferred constraint triggers), so its
# row is locked after every other lock the transaction takes (`timecredits/db.py`): taken with
# the contribution, it was locked before the ledger's accounts when approving and after them
# when undoing an approval, and the two deadlocked. `settle` works out, before the commit, what
# a transaction has left pending, for a report it reads itself.
_DEFERRED = [
    "reports_fact_start_gone",
    "reports_fact_start_moved",
    "reports_fact_started",
    *(name for name, *_ in calendars.TRIGGERS),
]
_LOCK = "PERFORM pg_advisory_xact_lock{}(hashtext('reports'), hashtext('facts'))"
# A member's (NULL, so no lock, for a transfer that is no member's move).
_MEMBER_LOCK = "PERFORM pg_advisory_xact_lock{}(hashtext('reports-moves'), hashtext(({})::text))"
_MOVER = (
    "SELECT a.member_id FROM ledger_account a WHERE a.id = CASE WHEN NEW.kind = 'reverse' "
    "THEN NEW.credit_account_id ELSE NEW.debit_account_id END"
)
# An offer's (NULL, so no lock, for a move that is no spend): a spend's fact copies its offer's
# category while an offer recategorised waits for the spends being posted, and they for it, so
# neither misses the other's uncommitted row.
_OFFER_LOCK = "PERFORM pg_advisory_xact_lock{}(hashtext('reports-offers'), hashtext(({})::text))"
_SPENT_OFFER = (
    "SELECT r.offer_id FROM partners_redemption r WHERE NEW.kind = 'spend' AND r.id = NEW.cause_id"
)
_PG_LOCKS = {
    "reports_fact_added": _LOCK.format("_shared"),
    "reports_fact_changed": _LOCK.format("_shared"),
    "reports_fact_moved": _MEMBER_LOCK.format("_shared", _MOVER)
    + "; "
    + _OFFER_LOCK.format("_shared", _SPENT_OFFER),
    "reports_fact_session_moved": _LOCK.format(""),
    "reports_fact_activity_moved": _LOCK.format(""),
    "reports_fact_member_moved": _MEMBER_LOCK.format("", "NEW.id"),
    "reports_fact_recategorised": _OFFER_LOCK.format("", "NEW.id"),
}


def _postgres_triggers() -> list[tuple]:
    return TRIGGERS + calendars.TRIGGERS + calendars.CHANGES


def _postgres_install() -> list[str]:
    statements = []
    counting = [name for name, *_ in calendars.CHANGES]
    for name, table, event, condition, statement in _postgres_triggers():
        when = condition if isinstance(condition, str) else _changed(condition, "IS DISTINCT FROM")
        deferred = name in _DEFERRED
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_PG_LOCKS[name] + '; ' if name in _PG_LOCKS else ''}{statement}; "
            "RETURN NULL; END $$",
            f"CREATE {'CONSTRAINT ' if deferred else ''}TRIGGER {name} AFTER {event} ON {table} "
            + ("DEFERRABLE INITIALLY DEFERRED " if deferred else "")
            + ("FOR EACH STATEMENT " if name in counting else "FOR EACH ROW ")
            + (f"WHEN ({when}) " if when else "")
            + f"EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite_install() -> list[str]:
    statements = []
    for name, table, event, condition, statement in TRIGGERS:
        when = condition if isinstance(condition, str) else _changed(condition, "IS NOT")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
            + (f"WHEN {when} " if when else "")
            + f"BEGIN {statement}; END"
        )
    return statements


def _remove(vendor: str) -> list[str]:
    statements = []
    for name, table, *_ in _postgres_triggers() if vendor == "postgresql" else TRIGGERS:
        if vendor == "postgresql":
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}()",
            ]
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


REBUILD = [
    "DELETE FROM reports_contributionfact",
    f"INSERT INTO reports_contributionfact ({_COLUMNS}, earned) "  # noqa: S608
    f"SELECT {_values('c')}, COALESCE(e.earned, 0) FROM activities_contribution c "
    "JOIN activities_session s ON s.id = c.session_id "
    "JOIN activities_activity a ON a.id = s.activity_id "
    "LEFT JOIN (SELECT t.cause_id, SUM(CASE WHEN t.kind = 'earn' THEN t.amount "
    "ELSE -t.amount END) AS earned FROM ledger_transfer t "
    "LEFT JOIN ledger_transfer r ON r.id = t.reverses_id "
    "WHERE t.cause_type = 'contribution' AND t.phase IN ('single', 'post') "
    "AND (t.kind = 'earn' OR (t.kind = 'reverse' AND r.kind = 'earn')) "
    "GROUP BY t.cause_id) e ON e.cause_id = c.id",
    "DELETE FROM reports_movefact",
    f"INSERT INTO reports_movefact ({_MOVE_COLUMNS}) "
    f"SELECT {_move('t', source='ledger_transfer t CROSS JOIN ')} "
    f"AND t.{_MOVING.format(t='t')}",
    "DELETE FROM reports_memberstart",
    "INSERT INTO reports_memberstart (member_id, programme_id, first_at) "
    "SELECT member_id, programme_id, MIN(at) FROM reports_contributionfact WHERE approved = 1 "
    "GROUP BY member_id, programme_id",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(
            f"The contribution facts are written for PostgreSQL and SQLite, not {vendor}."
        )
    if not install:
        return _remove(vendor)
    return _postgres_install() if vendor == "postgresql" else _sqlite_install()


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    _run(connection, _statements(connection.vendor, install=True))


def remove(connection) -> None:
    _run(connection, _statements(connection.vendor, install=False))


def settle(connection) -> None:
    """On PostgreSQL, the members' starts that this transaction's changes left for its commit
    worked out now (and later changes left for the commit again): a report read in the
    transaction that wrote sees them. Nothing is left pending on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # The deferred ones installed (a trigger installed before they were deferred is not a
        # constraint), named with their schema, as SET CONSTRAINTS looks them up.
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.conname) "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 't' AND c.conname = ANY(%s) ORDER BY 1",
            [_DEFERRED],
        )
        names = ", ".join(name for (name,) in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def rebuild(connection) -> None:
    """Every fact worked out again from the contributions and the ledger, and every member's
    start from the facts, with the triggers out of the way meanwhile (so a bulk load is not
    slowed by them, each fact's start recounted as it is written); they are in place after."""
    settle(connection)  # a trigger cannot be removed with its work pending
    remove(connection)
    # The calendars' tables made if missing: a migration before the one that made them rebuilds
    # with today's code.
    kept = calendars.CREATE + calendars.REBUILD if connection.vendor == "postgresql" else []
    _run(connection, REBUILD + kept)
    install(connection)
