"""Writes to the ledger: open and close accounts, post transfers, reverse them, and holds.

Every posting takes the same path, in one database transaction:

1. lock every account it touches, in id order and without the key (FOR NO KEY UPDATE, which
   leaves foreign-key checks free), so concurrent postings queue instead of deadlocking;
2. look up the idempotency keys: a key already posted with the same request returns the original
   transfer (a replay), with a different request it is an `IdempotencyConflict`;
3. work out each account's totals after each new transfer, refusing (with a typed error) what
   would break a floor or touch a closed account;
4. insert the transfers with the balances after them. The database's own triggers then apply them
   to the account totals and check every figure again, so the floor, the append-only history and
   the running balances hold even if this module had a bug.

On PostgreSQL, single-phase postings first take a shorter road through the same steps: one call
of a database function (`ledger_post_one` for one transfer, `ledger_post` for a batch, which the
database applies once per statement). When that call cannot post (a key already taken, a floor,
a closed account) it writes nothing, and the path above runs to give the exact answer.

A posting on its own is retried whole on a deadlock; inside a caller's transaction it leaves that
to the caller (timecredits/db.py, which also sets out the lock order every service keeps).

Amounts are whole minutes (60 = one credit).
"""

import contextlib
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.db import retry_on_conflict

from .errors import (
    AccountClosed,
    AccountNotEmpty,
    AlreadyReversed,
    HoldExpired,
    HoldResolved,
    IdempotencyConflict,
    InsufficientCredit,
    InvalidTransfer,
    NotReversible,
)
from .kinds import MAX_AMOUNT, TransferKind, TransferPhase
from .models import Account, MonthEnd, MonthEndBalance, Transfer

# The fields that make two requests "the same" for idempotency; the memo and who posted may differ.
_REQUEST_FIELDS = (
    "debit_account_id",
    "credit_account_id",
    "amount",
    "kind",
    "phase",
    "pending_id",
    "reverses_id",
    "cause_type",
    "cause_id",
)
_KINDS = frozenset(Transfer.Kind.values)


@dataclass(frozen=True)
class TransferSpec:
    """One transfer of a `transfer_post_many` call."""

    debit: Account
    credit: Account
    amount: int
    kind: str
    idempotency_key: str
    cause_type: str = ""
    cause_id: int | None = None
    memo: str = ""

    # The names a transfer row gives these, so one shape check serves both.
    @property
    def debit_account_id(self) -> int | None:
        return self.debit.pk

    @property
    def credit_account_id(self) -> int | None:
        return self.credit.pk


# Accounts


def account_open(
    *, kind: str, member=None, organisation=None, programme=None, shard: int = 0, name: str = ""
) -> Account:
    """Open an account; issuance and system accounts have no floor, every other kind has one."""
    has_floor = kind not in (Account.Kind.ISSUANCE, Account.Kind.SYSTEM)
    return Account.objects.create(
        kind=kind,
        member=member,
        organisation=organisation,
        programme=programme,
        shard=shard,
        name=name,
        has_floor=has_floor,
    )


def programme_accounts_open(*, programme) -> list[Account]:
    """A programme's issuance shards, pool, retirement and expiry accounts; safe to run twice."""
    wanted = [(Account.Kind.ISSUANCE, shard) for shard in range(settings.LEDGER_ISSUANCE_SHARDS)]
    wanted += [
        (kind, 0) for kind in (Account.Kind.POOL, Account.Kind.RETIREMENT, Account.Kind.EXPIRY)
    ]
    existing = set(Account.objects.filter(programme=programme).values_list("kind", "shard"))
    with transaction.atomic():
        for kind, shard in wanted:
            if (kind, shard) not in existing:
                account_open(kind=kind, programme=programme, shard=shard)
    return list(Account.objects.filter(programme=programme))


def account_close(*, account: Account) -> Account:
    """Close an empty account: nothing more can be posted to or from it."""
    with transaction.atomic():
        (locked,) = accounts_lock([account.pk]).values()
        if locked.closed_at is not None:
            return locked
        if locked.balance or locked.debits_pending or locked.credits_pending:
            raise AccountNotEmpty(detail={"account": locked.pk, "balance": locked.balance})
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    return locked


# Transfers


def transfer_post(
    *,
    debit: Account,
    credit: Account,
    amount: int,
    kind: str,
    idempotency_key: str,
    cause_type: str = "",
    cause_id: int | None = None,
    memo: str = "",
    posted_by=None,
) -> Transfer:
    spec = TransferSpec(debit, credit, amount, kind, idempotency_key, cause_type, cause_id, memo)
    (posted,) = transfer_post_many(specs=[spec], posted_by=posted_by)
    return posted


def transfer_post_many(*, specs: Iterable[TransferSpec], posted_by=None) -> list[Transfer]:
    """Post transfers that belong together: all of them, in order, or none.

    Each key stands for one transfer: replaying a whole batch returns the originals, and a batch
    that repeats some keys returns those originals and posts the rest.
    """
    specs = list(specs)
    _check_shape(specs)
    if any(spec.kind == Transfer.Kind.REVERSE for spec in specs):
        raise InvalidTransfer(_("Use transfer_reverse to reverse a transfer."))
    if connection.vendor == "postgresql":
        posted = _post_in_one_call(specs, posted_by)
        if posted is not None:
            return posted
    return _post([_row(spec, posted_by, phase=Transfer.Phase.SINGLE) for spec in specs])


def _row(spec: TransferSpec, posted_by, **fields) -> Transfer:
    """The transfer row a spec asks for, with the fields its phase adds."""
    return Transfer(
        idempotency_key=spec.idempotency_key,
        debit_account_id=spec.debit.pk,
        credit_account_id=spec.credit.pk,
        amount=spec.amount,
        kind=spec.kind,
        cause_type=spec.cause_type,
        cause_id=spec.cause_id,
        memo=spec.memo,
        posted_by=posted_by,
        **fields,
    )


def transfer_reverse(
    *, transfer: Transfer, idempotency_key: str, memo: str = "", posted_by=None
) -> Transfer:
    """Post the mirror image of a posted transfer, at most once."""
    if transfer.phase not in (Transfer.Phase.SINGLE, Transfer.Phase.POST) or (
        transfer.kind == Transfer.Kind.REVERSE
    ):
        raise NotReversible(detail={"transfer": transfer.pk})
    return _post_following(
        transfer,
        idempotency_key,
        memo,
        posted_by,
        reversing=True,
        amount=transfer.amount,
        kind=Transfer.Kind.REVERSE,
        reverses=transfer,
    )


def _post_following(
    original: Transfer, idempotency_key, memo, posted_by, *, reversing=False, **fields
) -> Transfer:
    """Post a transfer that follows another (its reversal, or a hold's resolution): between the
    same accounts (the other way round for a reversal), for the same cause."""
    debit, credit = original.debit_account_id, original.credit_account_id
    if reversing:
        debit, credit = credit, debit
    row = Transfer(
        idempotency_key=idempotency_key,
        debit_account_id=debit,
        credit_account_id=credit,
        cause_type=original.cause_type,
        cause_id=original.cause_id,
        memo=memo,
        posted_by=posted_by,
        **fields,
    )
    (posted,) = _post([row])
    return posted


# Holds


def hold_create(
    *,
    debit: Account,
    credit: Account,
    amount: int,
    kind: str,
    idempotency_key: str,
    timeout: datetime.timedelta,
    cause_type: str = "",
    cause_id: int | None = None,
    memo: str = "",
    posted_by=None,
) -> Transfer:
    """Reserve credits: they count against the debit account's floor until the hold resolves."""
    if timeout <= datetime.timedelta(0):
        raise InvalidTransfer(_("A hold needs a timeout in the future."))
    spec = TransferSpec(debit, credit, amount, kind, idempotency_key, cause_type, cause_id, memo)
    row = _row(spec, posted_by, phase=Transfer.Phase.PENDING, expires_at=timezone.now() + timeout)
    (held,) = _post([row])
    return held


def hold_post(
    *,
    hold: Transfer,
    idempotency_key: str,
    amount: int | None = None,
    memo: str = "",
    posted_by=None,
) -> Transfer:
    """Post a hold, in full or for less; what is not posted goes back to the debit account."""
    if amount is not None and (not _is_whole(amount) or not 0 < amount <= hold.amount):
        raise InvalidTransfer(
            _("A hold can be posted for at most the amount it holds."),
            detail={"held": hold.amount, "amount": amount},
        )
    return _resolve(
        hold, Transfer.Phase.POST, idempotency_key, amount or hold.amount, memo, posted_by
    )


def hold_void(*, hold: Transfer, idempotency_key: str, memo: str = "", posted_by=None) -> Transfer:
    """Release a hold: nothing moves and the reserved credits are free again."""
    return _resolve(hold, Transfer.Phase.VOID, idempotency_key, hold.amount, memo, posted_by)


def hold_expire(*, hold: Transfer) -> Transfer:
    """Time out one overdue hold now, exactly as `holds_expire` would (same key, so the two
    never time a hold out twice); for a caller that must know it is released before it says so."""
    return _resolve(hold, Transfer.Phase.TIMEOUT, f"hold-timeout:{hold.pk}", hold.amount, "", None)


def holds_expire(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Time out holds past their expiry; each in its own transaction, safe to run twice."""
    from .selectors import holds_overdue

    expired = 0
    for hold in holds_overdue(now=now or timezone.now(), limit=limit):
        try:
            hold_expire(hold=hold)
        except HoldResolved:
            continue  # posted or voided between the query and now
        expired += 1
    return expired


def _resolve(hold, phase, idempotency_key, amount, memo, posted_by) -> Transfer:
    if hold.phase != Transfer.Phase.PENDING:
        raise InvalidTransfer(_("That transfer is not a hold."), detail={"transfer": hold.pk})
    return _post_following(
        hold,
        idempotency_key,
        memo,
        posted_by,
        amount=amount,
        kind=hold.kind,
        phase=phase,
        pending=hold,
    )


# The one posting path


def _is_whole(amount) -> bool:
    return isinstance(amount, int) and not isinstance(amount, bool)


def _check_shape(rows: list) -> None:
    """Refuse what no posting could accept; `rows` are transfers or `TransferSpec`s."""
    if not rows:
        raise InvalidTransfer(_("Nothing to post."))
    keys = [row.idempotency_key for row in rows]
    if len(set(keys)) != len(keys):
        raise InvalidTransfer(_("Each transfer in a batch needs its own idempotency key."))
    for index, row in enumerate(rows):
        problem = None
        if not _is_whole(row.amount) or not 0 < row.amount <= MAX_AMOUNT:
            problem = _("The amount must be a whole number of minutes from 1 to %(max)s.") % {
                "max": f"{MAX_AMOUNT:,}"
            }
        elif row.debit_account_id is None or row.credit_account_id is None:
            problem = _("A transfer needs a debit and a credit account.")
        elif row.debit_account_id == row.credit_account_id:
            problem = _("A transfer moves credits between two different accounts.")
        elif row.kind not in _KINDS:
            problem = _("Unknown kind %(kind)r.") % {"kind": row.kind}
        elif not row.idempotency_key or len(row.idempotency_key) > 200:
            problem = _("Every posting needs an idempotency key of 1 to 200 characters.")
        if problem:
            raise InvalidTransfer(problem, detail={"index": index})


def _post(rows: list[Transfer]) -> list[Transfer]:
    """The careful path: lock, look up the keys, check in Python, then insert."""
    _check_shape(rows)
    try:
        return _post_locked(rows)
    except IntegrityError as refused:
        return _after_refusal(rows, refused)


# PostgreSQL's fast path for single-phase transfers: the whole posting is one call of a function
# (ledger/guarantees.py) that locks, inserts, and lets the triggers apply and check the rows
# exactly as they check any insert. A bound, prepared statement: the values travel as
# parameters, and PostgreSQL plans the call once per connection.
_ATTNAMES = [field.attname for field in Transfer._meta.concrete_fields]
_COLUMNS = ", ".join(_ATTNAMES)
_POST_ONE = f"SELECT {_COLUMNS} FROM ledger_post_one(%s, %s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
# The arrays travel in binary (%b), which spares quoting each element of a large batch.
_POST_MANY = (
    f"SELECT {_COLUMNS} FROM ledger_post(%b::text[], %b::bigint[], %b::bigint[], %b::bigint[],"  # noqa: S608
    " %b::text[], %b::text[], %b::bigint[], %b::text[], %s::bigint)"
)


def _post_in_one_call(specs: list[TransferSpec], posted_by) -> list[Transfer] | None:
    """The posted transfers, or None (having written nothing) when the careful path must look
    closer: a key already taken, a floor, a closed account, a deadlock."""
    by = posted_by.pk if posted_by is not None else None
    if len(specs) == 1:
        (spec,) = specs
        sql = _POST_ONE
        params = [
            spec.idempotency_key, spec.debit.pk, spec.credit.pk, spec.amount, spec.kind,
            spec.cause_type, spec.cause_id, spec.memo, by,
        ]  # fmt: skip
    else:
        sql = _POST_MANY
        params = [
            [spec.idempotency_key for spec in specs],
            [spec.debit.pk for spec in specs],
            [spec.credit.pk for spec in specs],
            [spec.amount for spec in specs],
            [spec.kind for spec in specs],
            [spec.cause_type for spec in specs],
            [spec.cause_id for spec in specs],
            [spec.memo for spec in specs],
            by,
        ]
    connection.ensure_connection()
    try:
        with (
            transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext(),
            connection.wrap_database_errors,
            psycopg.Cursor(connection.connection) as cursor,
        ):
            cursor.execute(sql, params, prepare=True, binary=True)
            fetched = cursor.fetchall()
    except (IntegrityError, OperationalError):
        return None
    if len(fetched) != len(specs):
        return None
    return [Transfer.from_db(connection.alias, _ATTNAMES, values) for values in fetched]


@retry_on_conflict
def _post_locked(rows: list[Transfer]) -> list[Transfer]:
    account_ids = {row.debit_account_id for row in rows} | {row.credit_account_id for row in rows}
    accounts = accounts_lock(account_ids)
    if len(accounts) != len(account_ids):
        raise InvalidTransfer(_("An account in that request does not exist."))

    originals = _originals(rows)
    new_rows = [row for row in rows if row.idempotency_key not in originals]
    for row in new_rows:
        row.pk = None  # an attempt that was retried drew ids that its rollback threw away
        _check_history(row)
        _apply(row, accounts[row.debit_account_id], accounts[row.credit_account_id])
    Transfer.objects.bulk_create(new_rows)
    posted = {row.idempotency_key: row for row in new_rows} | originals
    return [posted[row.idempotency_key] for row in rows]


def accounts_lock(account_ids) -> dict[int, Account]:
    """Lock accounts for the rest of the transaction, in id order (the ledger's place in the
    lock order, timecredits/db.py), without the key, so foreign-key checks pass freely."""
    locked = (
        Account.objects.select_for_update(no_key=True).filter(pk__in=account_ids).order_by("pk")
    )
    return {account.pk: account for account in locked}


def _originals(rows: list[Transfer]) -> dict[str, Transfer]:
    """The transfers already posted under these keys; a key with another request is a conflict."""
    requested = {row.idempotency_key: row for row in rows}
    found = {t.idempotency_key: t for t in Transfer.objects.filter(idempotency_key__in=requested)}
    for key, original in found.items():
        asked = requested[key]
        differences = [
            field for field in _REQUEST_FIELDS if getattr(original, field) != getattr(asked, field)
        ]
        if differences:
            raise IdempotencyConflict(detail={"idempotency_key": key, "differs_in": differences})
    return found


def _check_history(row: Transfer) -> None:
    """What the row's place in history allows: a hold resolves once, in time; a reversal once."""
    if row.pending_id is not None:
        if Transfer.objects.filter(pending_id=row.pending_id).exists():
            raise HoldResolved(detail={"hold": row.pending_id})
        expired = row.pending.expires_at <= timezone.now()
        if row.phase == Transfer.Phase.POST and expired:
            raise HoldExpired(detail={"hold": row.pending_id})
        if row.phase == Transfer.Phase.TIMEOUT and not expired:
            raise InvalidTransfer(
                _("That hold has not timed out yet."), detail={"hold": row.pending_id}
            )
    if (
        row.reverses_id is not None
        and Transfer.objects.filter(reverses_id=row.reverses_id).exists()
    ):
        raise AlreadyReversed(detail={"transfer": row.reverses_id})


def _apply(row: Transfer, debit: Account, credit: Account) -> None:
    """Move the locked accounts' totals as the database trigger will, refusing a broken floor."""
    for account in (debit, credit):
        if account.closed_at is not None:
            raise AccountClosed(detail={"account": account.pk})
    posted, pending = row.amount, 0
    if row.phase == Transfer.Phase.PENDING:
        posted, pending = 0, row.amount
    elif row.phase in Transfer.RESOLVING_PHASES:
        pending = -row.pending.amount
        posted = row.amount if row.phase == Transfer.Phase.POST else 0
    debit.debits_posted += posted
    debit.debits_pending += pending
    credit.credits_posted += posted
    credit.credits_pending += pending
    if debit.has_floor and debit.available < 0:
        # The accounts were locked for this posting alone; its rollback discards these figures.
        raise InsufficientCredit(
            detail={
                "account": debit.pk,
                "available": debit.available + posted + pending,
                "requested": row.amount,
            }
        )
    row.debit_balance_after = debit.balance
    row.credit_balance_after = credit.balance


def _after_refusal(rows: list[Transfer], refused: IntegrityError) -> list[Transfer]:
    """The database refused the insert: name the rule it enforced, or find the winning replay."""
    message = str(refused)
    if "idempotency_key" in message:
        # Another request with one of these keys committed while we waited for it.
        with transaction.atomic():
            originals = _originals(rows)
        if len(originals) == len(rows):
            return [originals[row.idempotency_key] for row in rows]
        raise IdempotencyConflict(detail={"keys": sorted(originals)}) from refused
    if "ledger_hold_resolved_once" in message or "ledger_transfer.pending_id" in message:
        raise HoldResolved() from refused
    if "ledger_reversed_once" in message or "ledger_transfer.reverses_id" in message:
        raise AlreadyReversed() from refused
    if "ledger_account_floor" in message:
        raise InsufficientCredit() from refused
    raise refused


# --- month ends: closing balances, so a balance at a past moment is read, not summed ---

# A month's closing balances are kept once it has been over this long. A posting is stamped just
# before its transaction commits, and no transaction stays open for anything near a day, so by
# then no transfer stamped before the month's end can still arrive.
MONTH_END_SETTLED = datetime.timedelta(days=1)


def _month_starts(after: datetime.datetime, until: datetime.datetime) -> list[datetime.datetime]:
    """The local midnights on the 1st of each month after `after`, up to `until`."""
    day, starts = timezone.localdate(after).replace(day=1), []
    while True:
        day = (day + datetime.timedelta(days=32)).replace(day=1)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        if at > until:
            return starts
        starts.append(at)


def month_ends_keep(*, now: datetime.datetime | None = None) -> int:
    """Keep every account's posted balance at each month end that has been over for
    MONTH_END_SETTLED and is not kept yet, oldest first; returns how many were kept.

    Each is the one before plus the month's postings (the first, the postings before it), in one
    statement and one transaction; two workers at once keep each month end once (`at` is
    unique). Safe to run twice."""
    now = now or timezone.now()
    # From the latest month end kept (months are kept oldest first), or the first transfer: the
    # daily run reads one row, not the whole ledger for its oldest stamp.
    since = MonthEnd.objects.order_by("-at").values_list("at", flat=True).first()
    if since is None:
        since = Transfer.objects.order_by("posted_at").values_list("posted_at", flat=True).first()
    if since is None:
        return 0
    done = 0
    for at in _month_starts(since, now - MONTH_END_SETTLED):
        with transaction.atomic():
            month_end, created = MonthEnd.objects.get_or_create(at=at)
            if created:
                previous = MonthEnd.objects.filter(at__lt=at).order_by("-at").first()
                _balances_keep(month_end, previous)
                done += 1
    return done


def _balances_keep(month_end: MonthEnd, previous: MonthEnd | None) -> None:
    # Every kind named, so PostgreSQL reads the month from the (kind, posted_at) index.
    month = Transfer.objects.filter(
        kind__in=TransferKind.values,
        phase__in=[TransferPhase.SINGLE, TransferPhase.POST],
        posted_at__lt=month_end.at,
    ).order_by()
    if previous is not None:
        month = month.filter(posted_at__gte=previous.at)
    parts = [
        month.values(account=F("credit_account"), moved=F("amount")),
        month.values(account=F("debit_account"), moved=-F("amount")),
    ]
    if previous is not None:
        parts.append(
            MonthEndBalance.objects.filter(month_end=previous)
            .values("account", moved=F("balance"))
            .order_by()
        )
    queries = [q.query.sql_with_params() for q in parts]
    table = MonthEndBalance._meta.db_table
    # Only the ORM's own SQL and the table's name are put in; the values are parameters.
    sql = (
        f"INSERT INTO {table} (month_end_id, account_id, balance) "  # noqa: S608
        "SELECT %s, x.account, SUM(x.moved) FROM ("
        + " UNION ALL ".join(q for q, _ in queries)
        + ") x GROUP BY x.account HAVING SUM(x.moved) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [month_end.pk, *(p for _, ps in queries for p in ps)])
