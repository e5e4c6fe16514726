"""Reads from the ledger: balances from the account row, statements by keyset, overdue holds."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Sum

from .models import Account, Transfer


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


# --- spend: a transfer by its idempotency key ---


def transfer_by_key(*, idempotency_key: str) -> Transfer | None:
    """The transfer posted under a key, if any: to tell a replay from a key used for another."""
    return Transfer.objects.filter(idempotency_key=idempotency_key).first()
