"""What people do with credits once earned, for pages and API alike: members give and donate,
organisations give each other credits, venues read their statements, programme admins see and
reverse expiries. Each use case takes the acting user and plain values, checks permission once,
loads what it needs and returns what the caller renders."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.core.paginator import Paginator
from django.utils import timezone

from ledger.selectors import Balance, account_balance, member_account, programme_expiries
from partners.selectors import organisation_get, programme_groups
from timecredits.activities.limits import FIRST_YEAR
from timecredits.downloads import CSV, Download
from timecredits.members.selectors import member_by_code
from timecredits.paging import page_of
from timecredits.permissions import Action, permitted_organisation, permitted_programme, require

from .errors import NotAVenue
from .selectors import Statement, next_month, parse_month, previous_month, venue_statement
from .services import MAX_AMOUNT as MAX_AMOUNT  # the most one request moves: the API says so
from .services import expiry, gifts, statements


@dataclass(frozen=True)
class GivingPage:
    """What a member sees before giving: their balance, and what is theirs to choose from."""

    member: object
    balance: Balance
    left_today: int | None = None  # minutes they can still give members today
    groups: object = None  # the groups they can donate to


def _giver(actor):
    require(actor, Action.OWN_CREDITS_GIVE)
    return gifts.giver_for(actor=actor)


def _balance(member) -> Balance:
    return account_balance(account=member_account(member=member))


def gift_page(*, actor) -> GivingPage:
    member = _giver(actor)
    return GivingPage(
        member=member, balance=_balance(member), left_today=gifts.gifts_left_today(member=member)
    )


def donation_page(*, actor) -> GivingPage:
    member = _giver(actor)
    return GivingPage(
        member=member,
        balance=_balance(member),
        groups=programme_groups(programme=member.programme_id),
    )


@dataclass(frozen=True)
class Gift:
    transfer: object
    recipient: object


def gift_give(
    *, actor, member_code: str | None = None, pass_token: str | None = None, **gift
) -> Gift:
    """A member gives credits to the member whose code they typed or whose pass they scanned;
    `gift` is the minutes, message and idempotency_key, as `gifts.gift_to_member` takes them."""
    if member_code:
        recipient = gifts.recipient_by_code(code=member_code)
    else:
        recipient = gifts.recipient_by_pass(pass_token=pass_token)
    require(actor, Action.OWN_CREDITS_GIVE)
    transfer = gifts.gift_to_member(actor=actor, recipient=recipient, **gift)
    return Gift(transfer=transfer, recipient=recipient)


def donation_give(*, actor, organisation_id: int | None, **gift):
    """A member donates to a group of their programme, or (no group) to its pool; `gift` is the
    minutes, message and idempotency_key, as `gifts.donate` takes them."""
    organisation = None
    if organisation_id is not None:
        organisation = organisation_get(organisation_id=organisation_id)
    require(actor, Action.OWN_CREDITS_GIVE)
    return gifts.donate(actor=actor, organisation=organisation, **gift)


def organisation_gift(*, actor, organisation_id: int, recipient_id: int, **gift):
    """An organisation's admin gives some of its credits to another organisation; `gift` is the
    minutes, reason and idempotency_key, as `gifts.organisation_gift` takes them."""
    giver = permitted_organisation(actor, Action.ORGANISATION_CREDITS_GIVE, organisation_id)
    recipient = organisation_get(organisation_id=recipient_id)
    return gifts.organisation_gift(actor=actor, giver=giver, recipient=recipient, **gift)


# A busy leisure centre takes thousands of codes a month: the page shows them this many at a
# time, under the month's totals; the CSV holds them all.
LINES_PER_PAGE = 200


@dataclass(frozen=True)
class StatementPage:
    statement: Statement

    def lines(self, number):
        """Page `number` (from 1) of the month's lines, in posting order."""
        return Paginator(self.statement.lines, LINES_PER_PAGE).get_page(number)

    @property
    def earlier(self) -> datetime.date | None:
        """The month before, if it can have a statement."""
        month = previous_month(self.statement.month)
        return month if month.year >= FIRST_YEAR else None

    @property
    def later(self) -> datetime.date | None:
        """The month after, up to this one: later months have nothing to show yet."""
        month = next_month(self.statement.month)
        return month if month <= timezone.localdate() else None

    @property
    def download(self) -> Download:
        s = self.statement
        filename = f"statement-{s.organisation.slug}-{s.month:%Y-%m}.csv"
        return Download(statements.statement_csv(s), CSV, filename)


def statement_show(*, actor, organisation_id: int, month: str | None) -> StatementPage:
    """What a venue accepted in a month ("YYYY-MM"; blank is this month), for its staff."""
    organisation = organisation_get(organisation_id=organisation_id)
    month = parse_month(month)
    require(actor, Action.ORGANISATION_STATEMENT_VIEW, organisation=organisation)
    if not organisation.accepts_credits:
        raise NotAVenue()
    return StatementPage(venue_statement(organisation=organisation, month=month))


# How many expiries one page shows.
EXPIRIES_PAGE = 50


@dataclass(frozen=True)
class ExpiriesPage:
    programme: object
    expiries: list
    member_code: str = ""  # the member searched for, if any
    no_such_member: bool = False  # the code names no member of the programme
    older: int | None = None  # the next page's number, where there is one
    newer: int | None = None


def _expiries(actor, programme_id: int, member_code: str):
    """The programme, the code searched for, and how to read its expiries (newest first, only
    the member's the code names): None when it names no member of the programme."""
    programme = permitted_programme(actor, Action.PROGRAMME_EXPIRY_REVERSE, programme_id)
    code = gifts.normalise_member_code(member_code)
    member = member_by_code(code=code) if code else None
    if code and (member is None or member.programme_id != programme.pk):
        return programme, code, None
    return (
        programme,
        code,
        partial(programme_expiries, programme=programme, member_id=member and member.pk),
    )


def expiries_list(
    *, actor, programme_id: int, member_code: str = "", page: int = 1
) -> ExpiriesPage:
    """A page of the programme's expiries, newest first, each with `reversed` set, for its
    admins: all of them, or one member's, found by their code (the one a member asking for
    their credits back can say)."""
    programme, code, read = _expiries(actor, programme_id, member_code)
    if read is None:
        return ExpiriesPage(programme, [], code, no_such_member=True)
    found = page_of(read, page=page, size=EXPIRIES_PAGE)
    return ExpiriesPage(programme, found.rows, code, older=found.older, newer=found.newer)


def expiries_read(
    *, actor, programme_id: int, member_code: str = "", limit: int, offset: int
) -> list:
    """`limit` of the programme's expiries from `offset`, as `expiries_list` finds them."""
    _programme, _code, read = _expiries(actor, programme_id, member_code)
    return [] if read is None else read(limit=limit, offset=offset)


def expiry_reverse(*, actor, programme_id: int, **reversal):
    """A programme admin gives a member back credits that expired; the reversal, once.
    `reversal` is the transfer_id, and the reason and idempotency_key if given, as
    `expiry.expiry_reverse` takes them."""
    programme = permitted_programme(actor, Action.PROGRAMME_EXPIRY_REVERSE, programme_id)
    return expiry.expiry_reverse(actor=actor, programme=programme, **reversal)
