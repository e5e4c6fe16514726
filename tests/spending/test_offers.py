import datetime

import pytest
from django.utils import timezone

from partners.models import Organisation, StaffMembership
from tests.factories import ProgrammeFactory, approved_organisation
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.errors import PermissionDenied
from timecredits.spending.errors import NotAVenue, OfferInvalid
from timecredits.spending.models import Offer
from timecredits.spending.selectors import offers_browse
from timecredits.spending.use_cases import offer_create, offer_update


def test_an_offer_is_open_to_the_venues_approved_programmes_by_default(venue, programme):
    offer = make_offer(venue, capacity=10, capacity_period="day")

    assert list(offer.programmes.all()) == [programme]
    assert (offer.cost_minutes, offer.capacity, offer.days_of_week) == (60, 10, 127)


def test_venue_staff_may_publish_but_a_coordinator_may_not(venue):
    staff = venue_staff(venue)
    coordinator = venue_staff(venue, StaffMembership.Role.COORDINATOR)

    offer_create(
        actor=staff, organisation_id=venue.pk, title="Gym", cost_minutes=60, category="health"
    )
    with pytest.raises(PermissionDenied):
        offer_create(
            actor=coordinator, organisation_id=venue.pk, title="X", cost_minutes=60, category="food"
        )

    assert list(Offer.objects.values_list("title", flat=True)) == ["Gym"]


def test_a_group_that_does_not_accept_credits_cannot_publish(programme):
    group = approved_organisation(programme, kind=Organisation.Kind.GROUP)

    with pytest.raises(NotAVenue):
        make_offer(group)

    assert Offer.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"cost_minutes": 0}, "cost_minutes"),
        ({"category": "gaming"}, "category"),
        ({"days_of_week": 0}, "days_of_week"),
        ({"opens_at": datetime.time(10)}, "closes_at"),
        ({"opens_at": datetime.time(10), "closes_at": datetime.time(9)}, "closes_at"),
        (
            {"valid_from": datetime.date(2026, 5, 2), "valid_until": datetime.date(2026, 5, 1)},
            "valid_until",
        ),
        ({"capacity": 5}, "capacity_period"),
        ({"capacity_period": "day"}, "capacity"),
        ({"member_limit": 1, "member_limit_period": "year"}, "member_limit_period"),
        # Taken before, and redeemable for eight thousand years.
        ({"valid_from": datetime.date(1, 1, 1)}, "valid_from"),
        ({"valid_until": datetime.date(9999, 12, 31)}, "valid_until"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_an_offer_that_breaks_a_rule_is_refused_field_by_field(venue, values, field):
    with pytest.raises(OfferInvalid) as refused:
        make_offer(venue, **values)

    assert field in [p["field"] for p in refused.value.detail]
    assert Offer.objects.count() == 0


def test_programmes_outside_the_venues_are_refused(venue):
    with pytest.raises(OfferInvalid):
        make_offer(venue, programmes=[ProgrammeFactory()])

    assert Offer.objects.count() == 0


def test_an_update_is_checked_against_the_whole_offer(venue, offer):
    admin = venue_staff(venue, StaffMembership.Role.ORG_ADMIN)

    offer_update(
        actor=admin, offer_id=offer.pk, cost_minutes=90, member_limit=1, member_limit_period="week"
    )
    with pytest.raises(OfferInvalid):
        offer_update(actor=admin, offer_id=offer.pk, member_limit_period="")

    offer.refresh_from_db()
    assert (offer.cost_minutes, offer.member_limit, offer.member_limit_period) == (90, 1, "week")


def test_browsing_filters_by_category_day_and_what_the_member_can_afford(venue, programme):
    member = funded_member(programme, minutes=90)
    today = timezone.localdate().weekday()
    swim = make_offer(venue, title="Swim", cost_minutes=60)
    make_offer(venue, title="Cinema", cost_minutes=120, category="culture")
    make_offer(venue, title="Not today", days_of_week=127 & ~(1 << today))
    make_offer(venue, title="Hidden", active=False)
    other = approved_organisation(ProgrammeFactory(), kind=Organisation.Kind.VENUE)
    make_offer(other, title="Elsewhere")

    titles = [o.title for o in offers_browse(member=member)]
    today_titles = [o.title for o in offers_browse(member=member, available_today=True)]
    affordable = [o.title for o in offers_browse(member=member, affordable_minutes=90)]
    culture = [o.title for o in offers_browse(member=member, category="culture")]

    assert titles == ["Cinema", "Not today", "Swim"]
    assert today_titles == ["Cinema", "Swim"]
    assert affordable == ["Not today", "Swim"]
    assert culture == ["Cinema"]
    assert swim.pk in [o.pk for o in offers_browse(organisation_id=venue.pk)]
