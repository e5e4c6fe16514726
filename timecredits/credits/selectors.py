"""Reads about credits: a venue's monthly statement, and a programme's expiries."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ledger.models import Account, Transfer
from ledger.selectors import organisation_account

from .errors import MonthInvalid

_POSTED = [Transfer.Phase.SINGLE, Transfer.Phase.POST]


@dataclass(frozen=True)
class StatementLine:
    transfer: Transfer
    minutes: int  # signed: a refund (a reversed spend) counts against the month


@dataclass(frozen=True)
class Statement:
    organisation: object
    month: datetime.date  # the first day of the month
    lines: list[StatementLine]
    retired: Transfer | None  # the month's `retire` transfer, once the monthly job has run

    @property
    def accepted(self) -> int:
        return sum(line.minutes for line in self.lines if line.minutes > 0)

    @property
    def refunded(self) -> int:
        return -sum(line.minutes for line in self.lines if line.minutes < 0)

    @property
    def net(self) -> int:
        return self.accepted - self.refunded


def parse_month(value: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """ "2026-03" -> 1 March 2026; blank is the current month."""
    if not value:
        return (today or timezone.localdate()).replace(day=1)
    try:
        month = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not 2000 <= month.year <= 9000:  # the months either side must exist too
        raise MonthInvalid(detail=[{"field": "month", "message": MonthInvalid.message}])
    return month


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month from local midnight on its first day to local midnight on the next month's."""

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return midnight(month), midnight(next_month(month))


def retire_key(*, organisation, month: datetime.date) -> str:
    return f"retire:{organisation.pk}:{month:%Y-%m}"


def venue_statement(*, organisation, month: datetime.date) -> Statement:
    """What the venue accepted in the month: each `spend` credited to its account, less any
    spend reversed (refunded) in the month, in posting order."""
    account = organisation_account(organisation=organisation)
    start, end = month_bounds(month)
    transfers = (
        Transfer.objects.filter(posted_at__gte=start, posted_at__lt=end)
        .filter(
            Q(credit_account=account, kind=Transfer.Kind.SPEND, phase__in=_POSTED)
            | Q(debit_account=account, kind=Transfer.Kind.REVERSE, reverses__kind="spend")
        )
        .order_by("pk")
    )
    lines = [
        StatementLine(t, t.amount if t.credit_account_id == account.pk else -t.amount)
        for t in transfers
    ]
    retired = Transfer.objects.filter(
        idempotency_key=retire_key(organisation=organisation, month=month)
    ).first()
    return Statement(organisation=organisation, month=month, lines=lines, retired=retired)


def programme_expiries(*, programme, limit: int = 50) -> list[Transfer]:
    """The programme's latest expiries, newest first, each with `reversed` set."""
    reversal = Transfer.objects.filter(reverses=OuterRef("pk"))
    return list(
        Transfer.objects.filter(
            kind=Transfer.Kind.EXPIRE,
            credit_account__programme=programme,
            credit_account__kind=Account.Kind.EXPIRY,
        )
        .annotate(reversed=Exists(reversal))
        .select_related("debit_account__member")
        .order_by("-pk")[:limit]
    )
