"""The "available today" filter: only offers a member could still redeem later today."""

import datetime

import pytest
from django.utils import timezone

from tests.spending.conftest import funded_member, make_offer
from timecredits.spending.selectors import offers_browse
from timecredits.spending.services.redemptions import redemption_cancel, redemption_create


def titles(**kwargs):
    return [o.title for o in offers_browse(available_today=True, **kwargs)]


@pytest.fixture
def noon():
    return timezone.make_aware(datetime.datetime(2026, 6, 3, 12, 0))  # a Wednesday


def test_an_offer_that_has_closed_for_the_day_is_not_available_today(venue, noon):
    make_offer(venue, title="Morning swim", opens_at="07:00", closes_at="11:00")
    make_offer(venue, title="Afternoon swim", opens_at="13:00", closes_at="17:00")
    make_offer(venue, title="Open now", opens_at="11:00", closes_at="13:00")
    make_offer(venue, title="Any time")

    assert titles(now=noon) == ["Afternoon swim", "Any time", "Open now"]


def test_an_offer_whose_places_today_are_taken_is_not_available_today(venue, programme):
    full = make_offer(venue, title="Full", capacity=1, capacity_period="day")
    weekly = make_offer(venue, title="Weekly", capacity=2, capacity_period="week")
    make_offer(venue, title="Roomy", capacity=5, capacity_period="day")
    redemption_create(member=funded_member(programme), offer=full, idempotency_key="a")
    redemption_create(member=funded_member(programme), offer=weekly, idempotency_key="b")

    assert titles() == ["Roomy", "Weekly"]


def test_a_place_given_back_makes_the_offer_available_again(venue, programme):
    full = make_offer(venue, title="Full", capacity=1, capacity_period="week")
    member = funded_member(programme)
    taken, _ = redemption_create(member=member, offer=full, idempotency_key="a")
    while_taken = titles()

    redemption_cancel(member=member, code=taken.code)

    assert while_taken == []
    assert titles() == ["Full"]


def test_days_of_the_week_still_count(venue, noon):
    make_offer(venue, title="Weekends", days_of_week=0b1100000)
    make_offer(venue, title="Wednesdays", days_of_week=0b0000100)

    assert titles(now=noon) == ["Wednesdays"]
