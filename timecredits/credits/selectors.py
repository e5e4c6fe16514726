"""Reads about credits: a venue's monthly statement and the months it is kept by, and a member's
history in plain words."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ledger.kinds import AccountKind, TransferKind, TransferPhase
from ledger.selectors import (
    account_history,
    member_account,
    organisation_account,
    spends_accepted,
    transfer_by_key,
)
from timecredits.activities.limits import FIRST_YEAR, LAST_YEAR
from timecredits.activities.selectors import contributions_given
from timecredits.templatetags.credits import hours_words

from .errors import MonthInvalid


@dataclass(frozen=True)
class StatementLine:
    transfer: object  # the ledger's transfer
    minutes: int  # signed: a refund (a reversed spend) counts against the month
    description: str = ""  # what was bought: the offer named on the hold it captured


def _memo(transfer) -> str:
    """A transfer's memo: a captured hold's posting carries none, and says its hold's."""
    return transfer.pending.memo if transfer.phase == TransferPhase.POST else transfer.memo


def _what_was_bought(transfer) -> str:
    """A statement line's description: the spend's memo; a refund's own (its reason), else
    that of the spend it gives back."""
    if transfer.reverses_id is not None:
        return transfer.memo or _memo(transfer.reverses)
    return _memo(transfer)


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
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
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
        StatementLine(
            t, t.amount if t.credit_account_id == account.pk else -t.amount, _what_was_bought(t)
        )
        for t in spends_accepted(account=account, start=start, end=end)
    ]
    retired = transfer_by_key(idempotency_key=retire_key(organisation=organisation, month=month))
    return Statement(organisation=organisation, month=month, lines=lines, retired=retired)


# --- members: a member's credits history in plain words ---


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a member's credits, as they would say it."""

    transfer_id: int
    at: datetime.datetime
    title: str  # "Earned at Riverside Lunch Club", "Booked: Swim"
    detail: str  # a second line ("Lunch club kitchen · 2 hours"), or ""
    minutes: int  # signed: positive when credits came in; a booking's is what it holds
    pending: bool = False  # a booking still on hold

    @property
    def size(self) -> int:
        """How much moved (or is held), whichever way."""
        return abs(self.minutes)


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    next_before: int | None  # pass as `before` for the next, older page


def member_history(*, member, before: int | None = None, limit: int = 50) -> History:
    """The member's credits newest first, `limit` transfers at a time, in plain words: a booking
    still on hold is one pending entry; once completed it shows once, as the spend; one
    released or timed out moved nothing and is left out, as is anything else that moved
    nothing."""
    account = member_account(member=member)
    transfers = account_history(account=account, before=before, limit=limit)
    earned = [
        t.cause_id
        for t in transfers
        if t.kind == TransferKind.EARN and t.cause_type == "contribution" and t.cause_id
    ]
    given = contributions_given(contribution_ids=earned) if earned else {}
    entries = [
        entry for transfer in transfers if (entry := _entry(transfer, account, given)) is not None
    ]
    return History(
        entries=entries,
        next_before=transfers[-1].pk if len(transfers) == limit else None,
    )


def _entry(transfer, account, given: dict) -> HistoryEntry | None:
    incoming = transfer.credit_account_id == account.pk
    other = transfer.debit_account if incoming else transfer.credit_account
    phase = transfer.phase
    if phase == TransferPhase.PENDING:
        if transfer.resolved:
            return None  # it shows as what became of it, or not at all
        title = _("Booked: %(what)s") % {"what": transfer.memo} if transfer.memo else _("Booked")
        return HistoryEntry(
            transfer.pk,
            transfer.posted_at,
            title,
            _("At %(venue)s") % {"venue": _owner(other)},
            -transfer.amount,
            pending=True,
        )
    if phase not in (TransferPhase.SINGLE, TransferPhase.POST):
        return None  # a hold released or timed out: nothing moved
    memo = _memo(transfer)
    title, detail = _words(transfer, other, incoming, memo, given)
    return HistoryEntry(
        transfer.pk,
        transfer.posted_at,
        title,
        detail,
        transfer.amount if incoming else -transfer.amount,
    )


def _words(transfer, other, incoming: bool, memo: str, given: dict):
    kind = transfer.kind
    if kind == TransferKind.EARN:
        minutes, started = (
            given.get(transfer.cause_id, (None, None))
            if transfer.cause_type == "contribution"
            else (None, None)
        )
        hours = hours_words(minutes) if minutes else ""
        title = (
            _("Earned at %(group)s") % {"group": other.organisation.name}
            if other.organisation_id
            else _("Earned for time given")
        )
        parts = (memo, hours, _given_on(started, transfer))
        return title, " · ".join(part for part in parts if part)
    if kind == TransferKind.SPEND:
        venue = _owner(other)
        if memo:
            return _("Spent at %(venue)s: %(what)s") % {"venue": venue, "what": memo}, ""
        return _("Spent at %(venue)s") % {"venue": venue}, ""
    if kind == TransferKind.GIFT:
        if incoming:
            return _("Gift from %(name)s") % {"name": _owner(other)}, memo
        return _("Gift to %(name)s") % {"name": _owner(other)}, memo
    if kind == TransferKind.DONATE:
        if incoming:
            return _("Donation from %(name)s") % {"name": _owner(other)}, memo
        return _("Donated to %(group)s") % {"group": _owner(other)}, memo
    if kind == TransferKind.EXPIRE:
        if incoming:
            return _("Credits returned"), memo
        return _("Expired"), _("Credits not used in time")
    if kind == TransferKind.REVERSE:
        return _undone(transfer.reverses, incoming), memo
    if kind == TransferKind.ADJUST:
        return _("Corrected by the programme"), memo
    return _("Credits moved"), memo  # allocations and retirements never touch a member


def _given_on(started, transfer) -> str:
    """The day the time was given, where the credits came on another day (approved later, or
    all at once): the history is grouped by the day credits moved."""
    if started is None:
        return ""
    day = timezone.localdate(started)
    if day == timezone.localdate(transfer.posted_at):
        return ""
    return date_format(day, "l j F" if day.year == timezone.localdate().year else "l j F Y")


def _undone(original, incoming: bool) -> str:
    """A reversal, named after what it undoes."""
    what = _memo(original)
    if original.kind == TransferKind.SPEND:
        return _("Refunded: %(what)s") % {"what": what} if what else _("Refunded")
    if original.kind == TransferKind.EARN:
        return (
            _("Earning taken back: %(what)s") % {"what": what} if what else _("Earning taken back")
        )
    if original.kind == TransferKind.EXPIRE:
        return _("Expired credits given back")
    if original.kind == TransferKind.GIFT:
        return _("Gift returned") if incoming else _("Gift taken back")
    return _("Refunded") if incoming else _("Taken back")


def _owner(account) -> str:
    """Who holds the account, as a member would name them."""
    if account.organisation_id:
        return account.organisation.name
    if account.member_id:
        user = account.member.user
        return user.first_name or _("member %(code)s") % {"code": account.member.code}
    if account.kind == AccountKind.POOL:
        return _("the %(programme)s pool") % {"programme": account.programme.name}
    if account.programme_id:
        return account.programme.name
    return _("Time credits")
