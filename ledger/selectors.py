"""Reads from the ledger: balances from the account row, statements by keyset, overdue holds."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from .models import Account, MonthEnd, MonthEndBalance, Transfer

_POSTED = [Transfer.Phase.SINGLE, Transfer.Phase.POST]


@dataclass(frozen=True)
class Balance:
    posted: int
    on_hold: int
    available: int


@dataclass(frozen=True)
class StatementLine:
    transfer: Transfer
    amount: int  # signed, from this account's side: positive when credits came in
    balance_after: int


def account_balance(*, account: Account) -> Balance:
    account = Account.objects.get(pk=account.pk)
    return Balance(
        posted=account.balance, on_hold=account.debits_pending, available=account.available
    )


def member_account(*, member) -> Account:
    return Account.objects.get(member=member, kind=Account.Kind.MEMBER)


def organisation_account(*, organisation) -> Account:
    return Account.objects.get(organisation=organisation, kind=Account.Kind.ORGANISATION)


def programme_account(*, programme, kind: str) -> Account:
    return Account.objects.get(programme=programme, kind=kind, shard=0)


def issuance_account(*, programme, spread_by: int) -> Account:
    """One of the programme's issuance shards, chosen by `spread_by` (a member's id, say)."""
    shards = list(
        Account.objects.filter(programme=programme, kind=Account.Kind.ISSUANCE).order_by("shard")
    )
    return shards[spread_by % len(shards)]


def programme_issued(*, programme) -> int:
    """Minutes issued by the programme, net of what came back, over all its shards."""
    totals = Account.objects.filter(programme=programme, kind=Account.Kind.ISSUANCE).aggregate(
        debits=Sum("debits_posted"), credits=Sum("credits_posted")
    )
    return (totals["debits"] or 0) - (totals["credits"] or 0)


def transfer_history(
    *, account: Account, before: int | None = None, limit: int = 50
) -> list[StatementLine]:
    """The account's transfers, newest first, `limit` at a time; pass the last id as `before`.

    Each side is read from its own (account, id) index, so a page costs two index range scans
    however long the history is.
    """
    lines = []
    for side in ("debit_account", "credit_account"):
        query = Transfer.objects.filter(**{side: account})
        if before is not None:
            query = query.filter(pk__lt=before)
        lines += list(query.order_by("-pk")[:limit])
    lines.sort(key=lambda transfer: transfer.pk, reverse=True)
    return [_line(transfer, account) for transfer in lines[:limit]]


def _line(transfer: Transfer, account: Account) -> StatementLine:
    incoming = transfer.credit_account_id == account.pk
    moved = transfer.amount if transfer.phase in (Transfer.Phase.SINGLE, Transfer.Phase.POST) else 0
    return StatementLine(
        transfer=transfer,
        amount=moved if incoming else -moved,
        balance_after=transfer.credit_balance_after if incoming else transfer.debit_balance_after,
    )


def holds_overdue(*, now: datetime.datetime, limit: int) -> list[Transfer]:
    resolved = Transfer.objects.filter(pending=OuterRef("pk"))
    return list(
        Transfer.objects.filter(phase=Transfer.Phase.PENDING, expires_at__lte=now)
        .exclude(Exists(resolved))
        .order_by("expires_at")[:limit]
    )


def hold_resolution(*, hold: Transfer) -> Transfer | None:
    return Transfer.objects.filter(pending=hold).first()


# --- credits: gifts, statements, expiries and allocations read through here ---


def transfer_by_key(*, idempotency_key: str) -> Transfer | None:
    """The transfer an idempotency key names, if it was posted."""
    return Transfer.objects.filter(idempotency_key=idempotency_key).first()


def account_debits_since(*, account: Account, kind: str, since: datetime.datetime) -> int:
    """Minutes of single-phase transfers of one kind that left the account since a moment."""
    return (
        Transfer.objects.filter(
            debit_account=account,
            kind=kind,
            phase=Transfer.Phase.SINGLE,
            posted_at__gte=since,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def spends_accepted(
    *, account: Account, start: datetime.datetime, end: datetime.datetime
) -> list[Transfer]:
    """A venue account's posted spends in [start, end), and the spends reversed (refunded) in
    it, in posting order."""
    return list(
        Transfer.objects.filter(posted_at__gte=start, posted_at__lt=end)
        .filter(
            Q(credit_account=account, kind=Transfer.Kind.SPEND, phase__in=_POSTED)
            | Q(debit_account=account, kind=Transfer.Kind.REVERSE, reverses__kind="spend")
        )
        # What each line was for is on the hold a posting captured (or the spend a refund
        # gives back): read with it, not once per line.
        .select_related("pending", "reverses__pending")
        .order_by("pk")
    )


def member_accounts_in_credit(*, programme) -> list[Account]:
    """Open member accounts of the programme's open members with credits available, oldest
    first, each with `last_in` and `last_out`: when a transfer last came in and went out."""
    # Each side is read newest-first from its own (account, id) index: two short scans.
    last_out = Transfer.objects.filter(debit_account=OuterRef("pk")).order_by("-pk")
    last_in = Transfer.objects.filter(credit_account=OuterRef("pk")).order_by("-pk")
    return list(
        Account.objects.filter(
            kind=Account.Kind.MEMBER,
            member__programme=programme,
            member__closed_at__isnull=True,
            closed_at__isnull=True,
            credits_posted__gt=F("debits_posted") + F("debits_pending"),
        )
        .annotate(
            last_out=Subquery(last_out.values("posted_at")[:1]),
            last_in=Subquery(last_in.values("posted_at")[:1]),
        )
        .select_related("member")
        .order_by("pk")
    )


def account_last_posted_at(*, account: Account) -> datetime.datetime | None:
    """When a transfer last touched the account, on either side."""
    return max(
        (
            moment
            for side in ("debit_account", "credit_account")
            for moment in Transfer.objects.filter(**{side: account})
            .order_by("-pk")
            .values_list("posted_at", flat=True)[:1]
        ),
        default=None,
    )


def _programme_expiries(programme):
    return Transfer.objects.filter(
        kind=Transfer.Kind.EXPIRE,
        credit_account__programme=programme,
        credit_account__kind=Account.Kind.EXPIRY,
    )


def programme_expiry(*, programme, transfer_id: int) -> Transfer | None:
    """One `expire` transfer into the programme's expiry account, if the id names one."""
    return _programme_expiries(programme).filter(pk=transfer_id).first()


def programme_expiries(
    *, programme, member_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[Transfer]:
    """The programme's expiries (only one member's, given `member_id`), newest first, each with
    `reversed` set: `limit` of them from `offset`."""
    found = _programme_expiries(programme)
    if member_id is not None:
        found = found.filter(debit_account__member_id=member_id)
    reversal = Transfer.objects.filter(reverses=OuterRef("pk"))
    return list(
        found.annotate(reversed=Exists(reversal))
        .select_related("debit_account__member")
        .order_by("-pk")[offset : offset + limit]
    )


def programme_allocations(*, programme, limit: int = 50) -> list[Transfer]:
    """The latest allocations from the programme's issuance, newest first."""
    return list(
        Transfer.objects.filter(
            kind=Transfer.Kind.ALLOCATE,
            debit_account__programme=programme,
            debit_account__kind=Account.Kind.ISSUANCE,
        )
        .select_related("credit_account__organisation")
        .order_by("-pk")[:limit]
    )


# --- act: earning (the accounts a batch of earnings moves between, and earnings already posted) ---
def owner_accounts(*, organisation_ids, member_ids) -> dict[tuple[str, int], Account]:
    """The organisations' and members' own accounts, by (kind, owner id), in one query."""
    accounts = Account.objects.filter(
        kind=Account.Kind.ORGANISATION, organisation_id__in=organisation_ids
    ) | Account.objects.filter(kind=Account.Kind.MEMBER, member_id__in=member_ids)
    return {(a.kind, a.organisation_id or a.member_id): a for a in accounts}


def cause_transfer_counts(*, kind: str, cause_type: str, cause_ids) -> dict[int, int]:
    """How many transfers of a kind each cause has had, reversed or not."""
    return dict(
        Transfer.objects.filter(kind=kind, cause_type=cause_type, cause_id__in=cause_ids)
        .values("cause_id")
        .annotate(n=Count("pk"))
        .values_list("cause_id", "n")
    )


def cause_transfer_latest(*, kind: str, cause_type: str, cause_id: int) -> Transfer | None:
    return (
        Transfer.objects.filter(kind=kind, cause_type=cause_type, cause_id=cause_id)
        .order_by("-pk")
        .first()
    )


# --- members: every transfer of an account, oldest first (a member's data export) ---
def account_transfers(*, account: Account) -> list[Transfer]:
    either_side = Transfer.objects.filter(debit_account=account) | Transfer.objects.filter(
        credit_account=account
    )
    return list(either_side.order_by("pk"))


# --- reports: the rows report figures aggregate ---


def transfer_rows():
    """Every transfer, as a QuerySet for figures that filter and aggregate them in the database
    (reports: one grouped query instead of a loop over rows)."""
    return Transfer.objects.all()


def account_rows():
    """Every account, as a QuerySet for figures that aggregate balances (see `transfer_rows`)."""
    return Account.objects.all()


def month_end_nearest(*, at: datetime.datetime) -> MonthEnd | None:
    """The month end with kept balances nearest to `at`, either side (see `MonthEnd`)."""
    before = MonthEnd.objects.filter(at__lte=at).order_by("-at").first()
    after = MonthEnd.objects.filter(at__gt=at).order_by("at").first()
    return min(filter(None, (before, after)), key=lambda m: abs(m.at - at), default=None)


def month_end_rows():
    """Every kept month-end balance (see `transfer_rows`); an account with none has no row."""
    return MonthEndBalance.objects.all()


# --- credits: a member's history in plain words ---


def account_history(
    *, account: Account, before: int | None = None, limit: int = 50
) -> list[Transfer]:
    """The account's transfers newest first, `limit` at a time (pass the last id as `before`),
    each with what a person needs to name it: both accounts' owners, the hold a posting
    resolves, the transfer a reversal undoes, and on a hold `resolved`: whether it has been
    posted, voided or timed out since. Two (account, id) index range scans, as
    `transfer_history`."""
    resolution = Transfer.objects.filter(pending=OuterRef("pk"))
    rows = []
    for side in ("debit_account", "credit_account"):
        query = Transfer.objects.filter(**{side: account})
        if before is not None:
            query = query.filter(pk__lt=before)
        rows += list(
            query.select_related(
                "debit_account__member__user",
                "debit_account__organisation",
                "debit_account__programme",
                "credit_account__member__user",
                "credit_account__organisation",
                "credit_account__programme",
                "pending",
                "reverses__pending",
            )
            .annotate(resolved=Exists(resolution))
            .order_by("-pk")[:limit]
        )
    rows.sort(key=lambda transfer: transfer.pk, reverse=True)
    return rows[:limit]
