"""Venue statements for their staff (page, JSON, CSV) and the monthly retirement of what venues
accepted: a `retire` transfer from the venue's account to a programme's retirement account.

Which programme: credits are one currency across the deployment, so the choice is bookkeeping,
not money. A venue in several programmes retires into the one it joined first (its oldest
approved participation); that stays put as it joins more, so every month goes to the same place.
"""

import datetime
import io

from django.utils import timezone

from ledger.errors import IdempotencyConflict
from ledger.models import Account, Transfer
from ledger.selectors import organisation_account, programme_account
from ledger.services import transfer_post
from partners.models import Organisation, Participation
from timecredits.permissions import Action, require
from timecredits.spreadsheets import SafeWriter
from timecredits.templatetags.credits import credits as as_credits

from ..errors import NotAVenue
from ..selectors import Statement, previous_month, retire_key, venue_statement


def statement_for(*, actor, organisation: Organisation, month: datetime.date) -> Statement:
    require(actor, Action.ORGANISATION_STATEMENT_VIEW, organisation=organisation)
    if not organisation.accepts_credits:
        raise NotAVenue()
    return venue_statement(organisation=organisation, month=month)


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
            [posted, t.pk, t.kind, t.cause, t.memo, line.minutes, as_credits(line.minutes)]
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


def retirement_programme(*, venue: Organisation):
    """The programme a venue's accepted credits retire into: its oldest approved one."""
    participation = (
        Participation.objects.filter(organisation=venue, status=Participation.Status.APPROVED)
        .select_related("programme")
        .order_by("pk")
        .first()
    )
    return participation.programme if participation else None


def venue_retire(*, venue: Organisation, month: datetime.date) -> Transfer | None:
    """Retire what the venue accepted in the month, once. It can only retire what it still
    holds (a venue may have given some credits away since), so the amount is the month's net
    acceptance or the venue's available balance, whichever is less."""
    key = retire_key(organisation=venue, month=month)
    existing = Transfer.objects.filter(idempotency_key=key).first()
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
            credit=programme_account(programme=programme, kind=Account.Kind.RETIREMENT),
            amount=amount,
            kind=Transfer.Kind.RETIRE,
            idempotency_key=key,
            cause_type="venue_statement",
            cause_id=venue.pk,
            memo=f"Credits accepted in {month:%B %Y}",
        )
    except IdempotencyConflict:
        return Transfer.objects.get(idempotency_key=key)  # a run at the same moment won


def credits_retire_month(*, month: datetime.date | None = None) -> list[Transfer]:
    """The monthly job: retire every venue's accepted credits of `month` (by default, the
    month before this one). Safe to run twice: each venue and month has one key."""
    month = month or previous_month(timezone.localdate())
    venues = Organisation.objects.filter(
        kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH],
        participation__status=Participation.Status.APPROVED,
    ).distinct()
    retired = []
    for venue in venues.order_by("pk"):
        transfer = venue_retire(venue=venue, month=month)
        if transfer is not None:
            retired.append(transfer)
    return retired
