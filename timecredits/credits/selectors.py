"""Reads about credits: a venue's monthly statement, and the months it is kept by."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ledger.selectors import organisation_account, spends_accepted, transfer_by_key

from .errors import MonthInvalid


@dataclass(frozen=True)
class StatementLine:
    transfer: object  # the ledger's transfer
    minutes: int  # signed: a refund (a reversed spend) counts against the month


@dataclass(frozen=True)
class Statement:
    organisation: object
    month: datetime.date  # the first day of the month
    lines: list[StatementLine]
    retired: object | None  # the month's `retire` transfer, once the monthly job has run

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
    lines = [
        StatementLine(t, t.amount if t.credit_account_id == account.pk else -t.amount)
        for t in spends_accepted(account=account, start=start, end=end)
    ]
    retired = transfer_by_key(idempotency_key=retire_key(organisation=organisation, month=month))
    return Statement(organisation=organisation, month=month, lines=lines, retired=retired)
