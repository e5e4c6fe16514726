"""Recompute the ledger from its transfers and compare: the check behind `ledger_verify`.

Each check is one aggregate query (the kept month ends, one per month end over its own month), so
verifying costs a few scans however many accounts there are.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from .models import Account, MonthEnd, MonthEndBalance, Transfer, VerificationRun

_POSTED = [Transfer.Phase.SINGLE, Transfer.Phase.POST]

# Running balance per account in id order, against what each transfer recorded.
_RUNNING_BALANCES = """
WITH moves AS (
    SELECT id, debit_account_id AS account_id, debit_balance_after AS recorded,
           CASE WHEN phase IN ('single', 'post') THEN -amount ELSE 0 END AS delta
      FROM ledger_transfer
    UNION ALL
    SELECT id, credit_account_id, credit_balance_after,
           CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END
      FROM ledger_transfer
)
SELECT account_id, id, recorded, running FROM (
    SELECT account_id, id, recorded,
           SUM(delta) OVER (PARTITION BY account_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS running
      FROM moves
) AS checked
WHERE recorded <> running
ORDER BY account_id, id
LIMIT 100
"""


@dataclass
class Verification:
    accounts: int = 0
    transfers: int = 0
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_verify() -> Verification:
    """All checks read one snapshot of the ledger, so postings committed while it runs (the daily
    job runs on a live system) cannot show up as drift between two of its queries."""
    with _snapshot():
        result = Verification(accounts=Account.objects.count(), transfers=Transfer.objects.count())
        _check_totals(result)
        _check_zero_sum(result)
        _check_running_balances(result)
        _check_floors(result)
        _check_reversals(result)
        _check_resolutions(result)
        _check_month_ends(result)
    return result


@contextmanager
def _snapshot():
    if connection.in_atomic_block:  # the caller's transaction decides what it sees
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # SQLite's transactions are serializable: one read transaction is one snapshot.
        yield


def ledger_verify_and_record() -> VerificationRun:
    started_at = timezone.now()
    result = ledger_verify()
    return VerificationRun.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        accounts=result.accounts,
        transfers=result.transfers,
        problems=result.problems,
    )


def _sums(transfers, side: str) -> dict[int, int]:
    rows = transfers.values(side).annotate(total=Sum("amount")).values_list(side, "total")
    return dict(rows)


def _check_totals(result: Verification) -> None:
    posted = Transfer.objects.filter(phase__in=_POSTED)
    resolved = Transfer.objects.filter(pending=OuterRef("pk"))
    open_holds = Transfer.objects.filter(phase=Transfer.Phase.PENDING).exclude(Exists(resolved))
    expected = {
        "debits_posted": _sums(posted, "debit_account"),
        "credits_posted": _sums(posted, "credit_account"),
        "debits_pending": _sums(open_holds, "debit_account"),
        "credits_pending": _sums(open_holds, "credit_account"),
    }
    for row in Account.objects.values("pk", *expected).iterator(chunk_size=5000):
        for total, by_account in expected.items():
            should_be = by_account.get(row["pk"], 0)
            if row[total] != should_be:
                result.problems.append(
                    {
                        "check": "account totals",
                        "account": row["pk"],
                        "total": total,
                        "recorded": row[total],
                        "from_transfers": should_be,
                    }
                )


def _check_zero_sum(result: Verification) -> None:
    sums = Account.objects.aggregate(
        debits_posted=Sum("debits_posted"),
        credits_posted=Sum("credits_posted"),
        debits_pending=Sum("debits_pending"),
        credits_pending=Sum("credits_pending"),
    )
    sums = {name: value or 0 for name, value in sums.items()}
    for side in ("posted", "pending"):
        if sums[f"debits_{side}"] != sums[f"credits_{side}"]:
            result.problems.append(
                {
                    "check": "zero sum",
                    "totals": side,
                    "debits": sums[f"debits_{side}"],
                    "credits": sums[f"credits_{side}"],
                }
            )


def _check_running_balances(result: Verification) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_RUNNING_BALANCES)
        for account_id, transfer_id, recorded, running in cursor.fetchall():
            result.problems.append(
                {
                    "check": "running balance",
                    "account": account_id,
                    "transfer": transfer_id,
                    "recorded": recorded,
                    "from_history": int(running),  # PostgreSQL sums bigint as numeric
                }
            )


def _check_floors(result: Verification) -> None:
    broken = Account.objects.filter(
        has_floor=True, credits_posted__lt=F("debits_posted") + F("debits_pending")
    )
    for account in broken.values("pk", "credits_posted", "debits_posted", "debits_pending"):
        result.problems.append({"check": "floor", "account": account["pk"]})


def _check_reversals(result: Verification) -> None:
    mismatched = Transfer.objects.filter(reverses__isnull=False).exclude(
        debit_account=F("reverses__credit_account"),
        credit_account=F("reverses__debit_account"),
        amount=F("reverses__amount"),
    )
    for transfer_id in mismatched.values_list("pk", flat=True):
        result.problems.append({"check": "reversal mirrors original", "transfer": transfer_id})


def _check_resolutions(result: Verification) -> None:
    mismatched = Transfer.objects.filter(pending__isnull=False).filter(
        ~Q(debit_account=F("pending__debit_account"))
        | ~Q(credit_account=F("pending__credit_account"))
        | ~Q(pending__phase=Transfer.Phase.PENDING)
        | Q(amount__gt=F("pending__amount"))
    )
    for transfer_id in mismatched.values_list("pk", flat=True):
        result.problems.append({"check": "hold resolution matches hold", "transfer": transfer_id})


def _check_month_ends(result: Verification) -> None:
    """Each kept month end's balances are the one before's plus the postings between (the first
    one's, every posting before it): one posted late, or stamped in the past, would leave them
    behind. Read as a chain, so the check reads each transfer once however many month ends
    there are."""
    posted = Transfer.objects.filter(phase__in=_POSTED)
    summed, since = {}, None
    for month_end in MonthEnd.objects.order_by("at"):
        window = posted.filter(posted_at__lt=month_end.at)
        if since is not None:
            window = window.filter(posted_at__gte=since)
        for account, amount in _sums(window, "credit_account").items():
            summed[account] = summed.get(account, 0) + amount
        for account, amount in _sums(window, "debit_account").items():
            summed[account] = summed.get(account, 0) - amount
        kept = dict(
            MonthEndBalance.objects.filter(month_end=month_end).values_list("account", "balance")
        )
        for account in sorted(kept.keys() | {a for a, balance in summed.items() if balance}):
            if kept.get(account, 0) != summed.get(account, 0):
                result.problems.append(
                    {
                        "check": "month-end balance",
                        "month_end": month_end.at.isoformat(),
                        "account": account,
                        "kept": kept.get(account, 0),
                        "from_transfers": summed.get(account, 0),
                    }
                )
        since = month_end.at
