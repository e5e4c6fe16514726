"""A ready snapshot never changes, as database triggers, so it holds even when the ORM is bypassed.

Once a snapshot's status is `ready`, UPDATE and DELETE of its row are refused. The one change
allowed is its `requested_by` becoming NULL, which is what deleting the requester's account
does (the foreign key is SET_NULL); the requester cannot be replaced by someone else. Rows that
are queued, building or failed change freely: that is how a build reports its progress.

The migration installs these; `install` and `remove` are also how a test run empties the table.
"""

POSTGRES_INSTALL = """
CREATE FUNCTION reports_snapshot_keep_ready() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    proposed reports_snapshot%ROWTYPE;
BEGIN
    IF OLD.status <> 'ready' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Every column, including any added later, must stay as it is but the requester.
        proposed := NEW;
        proposed.requested_by_id := OLD.requested_by_id;
        IF proposed IS NOT DISTINCT FROM OLD
           AND (NEW.requested_by_id IS NULL OR NEW.requested_by_id = OLD.requested_by_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'reports: snapshot % is ready and never changes: % refused', OLD.id, TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER reports_snapshot_keep_ready BEFORE UPDATE OR DELETE ON reports_snapshot
    FOR EACH ROW EXECUTE FUNCTION reports_snapshot_keep_ready();
"""

POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS reports_snapshot_keep_ready ON reports_snapshot;
DROP FUNCTION IF EXISTS reports_snapshot_keep_ready();
"""

# SQLite triggers cannot loop over a row's columns, so they are named here; `install` checks
# that the list still covers the table.
COLUMNS = [
    "id",
    "programme_id",
    "period_start",
    "period_end",
    "parameters",
    "status",
    "progress",
    "step",
    "requested_at",
    "started_at",
    "generated_at",
    "report",
    "error",
]
_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COLUMNS)
SQLITE_INSTALL = [
    """CREATE TRIGGER reports_snapshot_ready_no_delete BEFORE DELETE ON reports_snapshot
    WHEN OLD.status = 'ready'
    BEGIN SELECT RAISE(ABORT, 'reports: a ready snapshot never changes: DELETE refused'); END""",
    # Built from COLUMNS above, never from input.
    f"""CREATE TRIGGER reports_snapshot_ready_no_update BEFORE UPDATE ON reports_snapshot
    WHEN OLD.status = 'ready' AND ({_CHANGED}
        OR (NEW.requested_by_id IS NOT NULL AND NEW.requested_by_id IS NOT OLD.requested_by_id))
    BEGIN SELECT RAISE(ABORT, 'reports: a ready snapshot never changes: UPDATE refused'); END""",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS reports_snapshot_ready_no_update",
    "DROP TRIGGER IF EXISTS reports_snapshot_ready_no_delete",
]


def _statements(connection, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return [POSTGRES_INSTALL if install else POSTGRES_REMOVE]
    if connection.vendor == "sqlite":
        if install:
            with connection.cursor() as cursor:
                described = connection.introspection.get_table_description(
                    cursor, "reports_snapshot"
                )
            missing = {c.name for c in described} - {*COLUMNS, "requested_by_id"}
            if missing:
                raise RuntimeError(f"reports.guarantees.COLUMNS lacks {sorted(missing)}")
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(
        f"Snapshot guarantees are written for PostgreSQL and SQLite, not {connection.vendor}."
    )


def install(connection) -> None:
    statements = _statements(connection, install=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection) -> None:
    statements = _statements(connection, install=False)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
