"""Venue statements for their staff (page, JSON, CSV) and the monthly retirement of what venues
accepted: a `retire` transfer from the venue's account to a programme's retirement account.

Which programme: credits are one currency across the deployment, so the choice is bookkeeping,
not money. A venue in several programmes retires into the one it joined first (its oldest
approved participation); that stays put as it joins more, so every month goes to the same place.
"""

import datetime
import io
from typing import TYPE_CHECKING

from django.utils import timezone

from ledger.errors import IdempotencyConflict
from ledger.kinds import AccountKind, TransferKind
from ledger.selectors import organisation_account, programme_account, transfer_by_key
from ledger.services import transfer_post
from partners.selectors import first_programme, venues_taking_part
from timecredits.spreadsheets import SafeWriter
from timecredits.templatetags.credits import credits as as_credits

from ..selectors import Statement, previous_month, retire_key, venue_statement

if TYPE_CHECKING:
    from partners.models import Organisation


CSV_HEADER = ["date", "transfer", "kind", "cause", "description", "minutes", "credits"]


def statement_csv(statement: Statement) -> str:
    """One row per transfer, then the totals: accepted, refunded, net, and retired."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_HEADER)
    for line in statement.lines:
        t = line.transfer
        posted = timezone.localtime(t.posted_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow(
            [
                posted,
                t.pk,
                t.kind,
                t.cause,
                line.description,
                line.minutes,
                as_credits(line.minutes),
            ]
        )
    totals = [
        ("accepted", statement.accepted),
        ("refunded", -statement.refunded),
        ("net", statement.net),
    ]
    if statement.retired is not None:
        totals.append(("retired", statement.retired.amount))
    for label, minutes in totals:
        writer.writerow(["", "", "total", label, "", minutes, as_credits(minutes)])
    return out.getvalue()


def retirement_programme(*, venue: "Organisation"):
    """The programme a venue's accepted credits retire into: its oldest approved one."""
    return first_programme(organisation=venue)


def venue_retire(*, venue: "Organisation", month: datetime.date):
    """Retire what the venue accepted in the month, once. It can only retire what it still
    holds (a venue may have given some credits away since), so the amount is the month's net
    acceptance or the venue's available balance, whichever is less."""
    key = retire_key(organisation=venue, month=month)
    existing = transfer_by_key(idempotency_key=key)
    if existing is not None:
        return existing
    programme = retirement_programme(venue=venue)
    if programme is None:
        return None
    account = organisation_account(organisation=venue)
    amount = min(venue_statement(organisation=venue, month=month).net, account.available)
    if amount <= 0:
        return None
    try:
        return transfer_post(
            debit=account,
            credit=programme_account(programme=programme, kind=AccountKind.RETIREMENT),
            amount=amount,
            kind=TransferKind.RETIRE,
            idempotency_key=key,
            cause_type="venue_statement",
            cause_id=venue.pk,
            memo=f"Credits accepted in {month:%B %Y}",
        )
    except IdempotencyConflict:
        return transfer_by_key(idempotency_key=key)  # a run at the same moment won


def credits_retire_month(*, month: datetime.date | None = None) -> list:
    """The monthly job: retire every venue's accepted credits of `month` (by default, the
    month before this one). Safe to run twice: each venue and month has one key."""
    month = month or previous_month(timezone.localdate())
    retired = []
    for venue in venues_taking_part():
        transfer = venue_retire(venue=venue, month=month)
        if transfer is not None:
            retired.append(transfer)
    return retired
