"""Spending, donations and expiries come from the ledger, by venue and by offer category."""

import datetime

from django.utils import timezone

from partners.models import Organisation
from tests.factories import (
    FinishedSessionFactory,
    ProgrammeFactory,
    approved_organisation,
)
from tests.reports.conftest import give
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.credits.services.gifts import donate
from timecredits.reports.outputs.selectors.figures import programme_outputs
from timecredits.reports.periods import month_bounds
from timecredits.spending.services.redemptions import redemption_complete, redemption_create


def _rows(outputs, name):
    table = next(t for t in outputs["tables"] if t.name == name)
    return {r["key"]: r["values"] for r in table.rows}, table.total


def spent_at_a_venue():
    """Three members each redeem a 60-minute swim at one venue (two completed, the third still
    held) and the first donates 30 minutes to a group: (programme, venue)."""
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Lido")
    group = approved_organisation(programme)
    swim = make_offer(venue, title="Swim", cost_minutes=60, category="leisure")
    staff = venue_staff(venue)
    spenders = [funded_member(programme) for _ in range(3)]
    for i, member in enumerate(spenders):
        redemption, _ = redemption_create(member=member, offer=swim, idempotency_key=f"k{i}")
        if i < 2:  # the third is still held, not spent
            redemption_complete(
                actor=staff, venue=venue, code=redemption.code, idempotency_key=f"c{i}"
            )
    donate(actor=spenders[0].user, organisation=group, minutes=30, idempotency_key="d1")
    return programme, venue


def test_spend_by_venue_and_category_and_donations(db):
    programme, venue = spent_at_a_venue()

    outputs = programme_outputs(programme, *month_bounds(timezone.localdate().strftime("%Y-%m")))

    figures = outputs["figures"]
    assert (figures["credits_spent_minutes"], figures["credits_donated_minutes"]) == (120, 30)
    assert outputs["people"]["credits_spent_minutes"] == 2
    assert _rows(outputs, "spend_by_venue") == (
        {str(venue.pk): {"members": 2, "credits_minutes": 120}},
        {"members": 2, "credits_minutes": 120},
    )
    assert _rows(outputs, "spend_by_category") == (
        {"leisure": {"members": 2, "credits_minutes": 120}},
        {"members": 2, "credits_minutes": 120},
    )
    last_year = programme_outputs(programme, datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert last_year["figures"]["credits_spent_minutes"] == 0


def test_an_organisations_report_counts_only_its_own_members_donations(db):
    """Donations belong to no organisation: its own (unsuppressed) report must not show the
    programme's, only those of the members who gave time with it."""
    programme = ProgrammeFactory()
    group = approved_organisation(programme)
    other = approved_organisation(programme)
    ours, theirs = funded_member(programme), funded_member(programme)
    given = FinishedSessionFactory(activity__programme=programme, activity__organisation=group)
    give(ours, given, 60)
    donate(actor=ours.user, organisation=other, minutes=20, idempotency_key="ours")
    donate(actor=theirs.user, organisation=other, minutes=45, idempotency_key="theirs")
    # From the day the time was given (three hours ago) to today, when the donations were made.
    period = (timezone.localdate(given.starts_at), timezone.localdate())

    whole = programme_outputs(programme, *period)["figures"]["credits_donated_minutes"]
    own = programme_outputs(programme, *period, organisation=group)["figures"]

    assert whole == 65
    assert own["credits_donated_minutes"] == 20
