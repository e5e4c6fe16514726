"""The ledger's rules as database triggers, so they hold even when the ORM is bypassed.

- Transfers are append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused.
- Inserting a transfer is the only way account totals move: the trigger applies it to both
  accounts (where the floor CHECK bites), refuses closed accounts, checks that a hold is resolved
  by a matching transfer and a reversal mirrors its original, and checks the balances after the
  transfer that the row records.
- On PostgreSQL, the rows of a batch (`ledger_post`, marked `batch`) are applied once per
  statement instead, with the same checks made over the whole statement: each account moves by
  one UPDATE, and each recorded balance must equal the running sum of what came before it.
- On PostgreSQL, a guard refuses any other change to an account's totals, kind, floor or owner.

Accounts are locked FOR NO KEY UPDATE, in id order: a plain FOR UPDATE would also block the
FOR KEY SHARE lock that every foreign-key check on an account takes (timecredits/db.py).

Migration 0005 installed these, and 0006 brings them to this version; `install` and `remove` are
also how a test run empties the tables.
"""

POSTGRES_INSTALL = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER ledger_transfer_append_only BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transfer_no_truncate BEFORE TRUNCATE ON ledger_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_transfer_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held ledger_transfer%ROWTYPE;
    original ledger_transfer%ROWTYPE;
    posted bigint := 0;
    pending bigint := 0;
    debit_after bigint;
    credit_after bigint;
BEGIN
    IF NEW.phase = 'single' THEN
        posted := NEW.amount;
    ELSIF NEW.phase = 'pending' THEN
        pending := NEW.amount;
    ELSE
        SELECT * INTO held FROM ledger_transfer WHERE id = NEW.pending_id;
        IF held.phase IS DISTINCT FROM 'pending'
           OR held.debit_account_id <> NEW.debit_account_id
           OR held.credit_account_id <> NEW.credit_account_id
           OR (NEW.phase = 'post' AND NEW.amount > held.amount)
           OR (NEW.phase <> 'post' AND NEW.amount <> held.amount) THEN
            RAISE EXCEPTION 'ledger: transfer does not match the hold it resolves'
                USING ERRCODE = 'check_violation';
        END IF;
        pending := -held.amount;
        IF NEW.phase = 'post' THEN
            posted := NEW.amount;
        END IF;
    END IF;

    IF NEW.reverses_id IS NOT NULL THEN
        SELECT * INTO original FROM ledger_transfer WHERE id = NEW.reverses_id;
        IF original.phase NOT IN ('single', 'post') OR original.kind = 'reverse'
           OR original.debit_account_id <> NEW.credit_account_id
           OR original.credit_account_id <> NEW.debit_account_id
           OR original.amount <> NEW.amount THEN
            RAISE EXCEPTION 'ledger: a reversal must mirror a posted transfer'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    -- One statement for both accounts: each statement a trigger runs has a fixed cost, which
    -- is most of a posting's. The posting services lock the two rows first, in id order, so
    -- concurrent postings queue instead of deadlocking.
    WITH moved AS (
        UPDATE ledger_account AS a
           SET debits_posted = a.debits_posted
                   + CASE WHEN a.id = NEW.debit_account_id THEN posted ELSE 0 END,
               debits_pending = a.debits_pending
                   + CASE WHEN a.id = NEW.debit_account_id THEN pending ELSE 0 END,
               credits_posted = a.credits_posted
                   + CASE WHEN a.id = NEW.credit_account_id THEN posted ELSE 0 END,
               credits_pending = a.credits_pending
                   + CASE WHEN a.id = NEW.credit_account_id THEN pending ELSE 0 END
         WHERE a.id IN (NEW.debit_account_id, NEW.credit_account_id) AND a.closed_at IS NULL
        RETURNING a.id, a.credits_posted - a.debits_posted AS balance
    )
    SELECT max(balance) FILTER (WHERE id = NEW.debit_account_id),
           max(balance) FILTER (WHERE id = NEW.credit_account_id)
      INTO debit_after, credit_after
      FROM moved;
    IF debit_after IS NULL OR credit_after IS NULL THEN
        RAISE EXCEPTION 'ledger: account closed or missing' USING ERRCODE = 'check_violation';
    END IF;
    -- ledger_post leaves the balances for this trigger to fill; other inserts must match them.
    IF NEW.debit_balance_after IS NULL AND NEW.credit_balance_after IS NULL THEN
        NEW.debit_balance_after := debit_after;
        NEW.credit_balance_after := credit_after;
    ELSIF debit_after <> NEW.debit_balance_after OR credit_after <> NEW.credit_balance_after THEN
        RAISE EXCEPTION 'ledger: recorded balances after % do not match', NEW.idempotency_key
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_transfer_apply BEFORE INSERT ON ledger_transfer
    FOR EACH ROW WHEN (NOT NEW.batch) EXECUTE FUNCTION ledger_transfer_apply();

-- Rows of a batch (batch = true, single-phase only: a CHECK says so) skip the row trigger and
-- are applied once per statement instead: each account's totals move by one UPDATE, and every
-- recorded balance is checked against the running sum, in id order, of what came before it.
--
-- A row trigger on batch rows only marks the statement as holding some: AFTER row triggers fire
-- once the statement has run, so nothing in the statement itself can clear the mark, and a
-- statement without batch rows (every single posting) never reads its transition table.
CREATE FUNCTION ledger_transfer_mark_batch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('ledger.batch_inserted', 'yes', true);
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_transfer_mark_batch AFTER INSERT ON ledger_transfer
    FOR EACH ROW WHEN (NEW.batch) EXECUTE FUNCTION ledger_transfer_mark_batch();

CREATE FUNCTION ledger_transfer_apply_batch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ledger.batch_inserted', true) IS DISTINCT FROM 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('ledger.batch_inserted', '', true);
    -- ledger_post holds these already; a raw insert takes them here, in the same order.
    PERFORM 1 FROM ledger_account
     WHERE id IN (SELECT debit_account_id FROM added WHERE batch
                  UNION SELECT credit_account_id FROM added WHERE batch)
     ORDER BY id FOR NO KEY UPDATE;
    IF EXISTS (
        SELECT 1
          FROM (SELECT account, delta, recorded,
                       sum(delta) OVER (PARTITION BY account ORDER BY id) AS moved
                  FROM (SELECT id, debit_account_id AS account, -amount AS delta,
                               debit_balance_after AS recorded
                          FROM added WHERE batch
                        UNION ALL
                        SELECT id, credit_account_id, amount, credit_balance_after
                          FROM added WHERE batch) AS legs) AS l
          LEFT JOIN ledger_account AS a ON a.id = l.account
         WHERE a.id IS NULL OR a.closed_at IS NOT NULL
            OR l.recorded IS DISTINCT FROM a.credits_posted - a.debits_posted + l.moved
            OR (a.has_floor AND l.delta < 0 AND l.recorded - a.debits_pending < 0)
    ) THEN
        RAISE EXCEPTION 'ledger: a batch is refused: an account closed or missing, a balance '
                        'that does not match, or a floor it would break'
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE ledger_account AS a
       SET debits_posted = a.debits_posted + m.debits,
           credits_posted = a.credits_posted + m.credits
      FROM (SELECT account, sum(debit) AS debits, sum(credit) AS credits
              FROM (SELECT debit_account_id AS account, amount AS debit, 0 AS credit
                      FROM added WHERE batch
                    UNION ALL
                    SELECT credit_account_id, 0, amount FROM added WHERE batch) AS legs
             GROUP BY account) AS m
     WHERE a.id = m.account;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_transfer_apply_batch AFTER INSERT ON ledger_transfer
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_apply_batch();

-- Single-phase transfers in one round trip, all or nothing, in the order given, as a batch:
-- each row records its balances after, worked out here from the locked accounts, and the
-- statement trigger above checks and applies them. Returns no rows, having written nothing,
-- when any key is already taken: the service then looks closer.
CREATE FUNCTION ledger_post(
    p_keys text[], p_debits bigint[], p_credits bigint[], p_amounts bigint[], p_kinds text[],
    p_cause_types text[], p_cause_ids bigint[], p_memos text[], p_posted_by bigint
) RETURNS SETOF ledger_transfer LANGUAGE plpgsql AS $$
BEGIN
    -- Lock first: ids are drawn at insert, so drawing them only once the accounts are ours
    -- keeps each account's history in id order, which ledger_verify checks.
    PERFORM 1 FROM ledger_account WHERE id = ANY(p_debits || p_credits)
     ORDER BY id FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM ledger_transfer WHERE idempotency_key = ANY(p_keys)) THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH r AS (
        SELECT *
          FROM unnest(p_keys, p_debits, p_credits, p_amounts, p_kinds, p_cause_types,
                      p_cause_ids, p_memos) WITH ORDINALITY AS r(k, d, c, a, kind, ct, ci, m, n)
    ), legs AS (
        SELECT n, debit, account, sum(delta) OVER (PARTITION BY account ORDER BY n) AS moved
          FROM (SELECT n, true AS debit, d AS account, -a AS delta FROM r
                UNION ALL
                SELECT n, false, c, a FROM r) AS l
    ), after AS (
        SELECT l.n,
               max(a.credits_posted - a.debits_posted + l.moved) FILTER (WHERE l.debit) AS d,
               max(a.credits_posted - a.debits_posted + l.moved) FILTER (WHERE NOT l.debit) AS c
          FROM legs AS l
          JOIN ledger_account AS a ON a.id = l.account
         GROUP BY l.n
    )
    INSERT INTO ledger_transfer (
        idempotency_key, debit_account_id, credit_account_id, amount, kind, phase, cause_type,
        cause_id, memo, posted_by_id, posted_at, debit_balance_after, credit_balance_after,
        batch)
    SELECT r.k, r.d, r.c, r.a, r.kind, 'single', r.ct, r.ci, r.m, p_posted_by,
           clock_timestamp(),  -- the moment of posting, as the ORM path records it
           after.d, after.c, true
      FROM r
      LEFT JOIN after ON after.n = r.n
     ORDER BY r.n
    RETURNING *;
END $$;

-- One single-phase transfer, as ledger_post does it: the common case, without the arrays.
CREATE FUNCTION ledger_post_one(
    p_key text, p_debit bigint, p_credit bigint, p_amount bigint, p_kind text,
    p_cause_type text, p_cause_id bigint, p_memo text, p_posted_by bigint
) RETURNS SETOF ledger_transfer LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM ledger_account WHERE id IN (p_debit, p_credit)
     ORDER BY id FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM ledger_transfer WHERE idempotency_key = p_key) THEN
        RETURN;
    END IF;
    RETURN QUERY
    INSERT INTO ledger_transfer (
        idempotency_key, debit_account_id, credit_account_id, amount, kind, phase, cause_type,
        cause_id, memo, posted_by_id, posted_at)
    VALUES (p_key, p_debit, p_credit, p_amount, p_kind, 'single', p_cause_type, p_cause_id,
            p_memo, p_posted_by, clock_timestamp())
    RETURNING *;
END $$;

CREATE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.debits_pending <> 0 OR NEW.debits_posted <> 0
           OR NEW.credits_pending <> 0 OR NEW.credits_posted <> 0 THEN
            RAISE EXCEPTION 'ledger: an account opens with zero totals'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.kind, NEW.has_floor, NEW.shard, NEW.member_id, NEW.organisation_id, NEW.programme_id)
       IS DISTINCT FROM
       (OLD.kind, OLD.has_floor, OLD.shard, OLD.member_id, OLD.organisation_id, OLD.programme_id)
    THEN
        RAISE EXCEPTION 'ledger: an account keeps its kind, floor and owner'
            USING ERRCODE = 'restrict_violation';
    END IF;
    -- Depth 1 is a statement sent by a client; postings change totals from the transfer trigger.
    IF pg_trigger_depth() < 2 AND
       (NEW.debits_pending, NEW.debits_posted, NEW.credits_pending, NEW.credits_posted)
       IS DISTINCT FROM
       (OLD.debits_pending, OLD.debits_posted, OLD.credits_pending, OLD.credits_posted) THEN
        RAISE EXCEPTION 'ledger: account totals change only by posting a transfer'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_account_opens_empty BEFORE INSERT ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
-- The condition is evaluated without calling the function, so the updates each posting makes
-- (from the transfer trigger, at depth 1, keeping kind and owner) cost it nothing.
CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account
    FOR EACH ROW WHEN (
        pg_trigger_depth() < 1
        OR (NEW.kind, NEW.has_floor, NEW.shard, NEW.member_id, NEW.organisation_id,
            NEW.programme_id)
           IS DISTINCT FROM
           (OLD.kind, OLD.has_floor, OLD.shard, OLD.member_id, OLD.organisation_id,
            OLD.programme_id))
    EXECUTE FUNCTION ledger_account_guard();
"""

POSTGRES_REMOVE = """
DROP FUNCTION IF EXISTS ledger_post_one(
    text, bigint, bigint, bigint, text, text, bigint, text, bigint);
DROP FUNCTION IF EXISTS ledger_post(
    text[], bigint[], bigint[], bigint[], text[], text[], bigint[], text[], bigint);
-- The version before ledger_post_one, which also took reversals.
DROP FUNCTION IF EXISTS ledger_post(
    text[], bigint[], bigint[], bigint[], text[], bigint[], text[], bigint[], text[], bigint);
DROP TRIGGER IF EXISTS ledger_transfer_apply_batch ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_apply_batch();
DROP TRIGGER IF EXISTS ledger_transfer_mark_batch ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_mark_batch();
DROP TRIGGER IF EXISTS ledger_account_guard ON ledger_account;
DROP TRIGGER IF EXISTS ledger_account_opens_empty ON ledger_account;
DROP FUNCTION IF EXISTS ledger_account_guard();
DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_apply();
DROP TRIGGER IF EXISTS ledger_transfer_no_truncate ON ledger_transfer;
DROP TRIGGER IF EXISTS ledger_transfer_append_only ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""

# SQLite runs one statement at a time; each entry is one. Row triggers fire as each row is
# inserted, so a batch applies in order, as on PostgreSQL.
_SQLITE_POSTED = "CASE WHEN NEW.phase IN ('single', 'post') THEN NEW.amount ELSE 0 END"
_SQLITE_PENDING = (
    "CASE NEW.phase WHEN 'single' THEN 0 WHEN 'pending' THEN NEW.amount "
    "ELSE -(SELECT amount FROM ledger_transfer WHERE id = NEW.pending_id) END"
)
SQLITE_INSTALL = [
    """CREATE TRIGGER ledger_transfer_no_update BEFORE UPDATE ON ledger_transfer
    BEGIN SELECT RAISE(ABORT, 'ledger transfers are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER ledger_transfer_no_delete BEFORE DELETE ON ledger_transfer
    BEGIN SELECT RAISE(ABORT, 'ledger transfers are append-only: DELETE refused'); END""",
    # Built from the two constants above, never from input.
    f"""CREATE TRIGGER ledger_transfer_apply AFTER INSERT ON ledger_transfer
    BEGIN
        SELECT RAISE(ABORT, 'ledger: transfer does not match the hold it resolves')
         WHERE NEW.pending_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ledger_transfer held
             WHERE held.id = NEW.pending_id AND held.phase = 'pending'
               AND held.debit_account_id = NEW.debit_account_id
               AND held.credit_account_id = NEW.credit_account_id
               AND ((NEW.phase = 'post' AND NEW.amount <= held.amount)
                    OR (NEW.phase <> 'post' AND NEW.amount = held.amount)));
        SELECT RAISE(ABORT, 'ledger: a reversal must mirror a posted transfer')
         WHERE NEW.reverses_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ledger_transfer original
             WHERE original.id = NEW.reverses_id AND original.phase IN ('single', 'post')
               AND original.kind <> 'reverse'
               AND original.debit_account_id = NEW.credit_account_id
               AND original.credit_account_id = NEW.debit_account_id
               AND original.amount = NEW.amount);
        SELECT RAISE(ABORT, 'ledger: account closed or missing')
         WHERE (SELECT COUNT(*) FROM ledger_account
                 WHERE id IN (NEW.debit_account_id, NEW.credit_account_id)
                   AND closed_at IS NULL) <> 2;
        UPDATE ledger_account
           SET debits_posted = debits_posted + {_SQLITE_POSTED},
               debits_pending = debits_pending + {_SQLITE_PENDING}
         WHERE id = NEW.debit_account_id;
        UPDATE ledger_account
           SET credits_posted = credits_posted + {_SQLITE_POSTED},
               credits_pending = credits_pending + {_SQLITE_PENDING}
         WHERE id = NEW.credit_account_id;
        SELECT RAISE(ABORT, 'ledger: recorded balances after the transfer do not match')
         WHERE (SELECT credits_posted - debits_posted FROM ledger_account
                 WHERE id = NEW.debit_account_id) <> NEW.debit_balance_after
            OR (SELECT credits_posted - debits_posted FROM ledger_account
                 WHERE id = NEW.credit_account_id) <> NEW.credit_balance_after;
    END""",  # noqa: S608
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_transfer_apply",
    "DROP TRIGGER IF EXISTS ledger_transfer_no_delete",
    "DROP TRIGGER IF EXISTS ledger_transfer_no_update",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_INSTALL if install else POSTGRES_REMOVE]
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(
        f"The ledger's guarantees are written for PostgreSQL and SQLite, not {vendor}."
    )


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
