"""A whole number too large for the database is the form's error on every page, and changes
nothing: it used to be a server error when the row was saved or looked up (a session's places or
fixed minutes, an offer's places or uses per member, the sessions list's activity filter). An id
a page is sent that is no id ("abc", "²", thirty digits) names no row."""

import pytest

from partners.models import StaffMembership
from tests.factories import ActivityFactory, StaffMembershipFactory
from tests.spending.conftest import venue_staff
from timecredits.activities.models import Session
from timecredits.forms import LARGEST
from timecredits.spending.models import Offer

pytestmark = pytest.mark.django_db
HUGE = str(10**30)
TOO_LARGE = "That number is too large."  # not the bare limit, 2147483647
WEEK = [str(day) for day in range(7)]


def _signed_in_coordinator(client):
    """An activity, its organisation's coordinator signed in."""
    activity = ActivityFactory()
    client.force_login(
        StaffMembershipFactory(
            organisation=activity.organisation, role=StaffMembership.Role.COORDINATOR
        ).user
    )
    return activity


def _session_form(activity, **values) -> dict:
    return {
        "form": "session",
        "session-activity": activity.pk,
        "session-starts_at": "2026-12-01T10:00",
        "session-ends_at": "2026-12-01T12:00",
        "session-credit_rule": "per_hour",
        "session-repeat_count": "1",
        **{f"session-{name}": value for name, value in values.items()},
    }


def _post_offer(client, venue, **values):
    """A venue's admin sends the new-offer form: a swim for one credit, with `values`."""
    client.force_login(venue_staff(venue, StaffMembership.Role.ORG_ADMIN))
    form = {
        "title": "Swim",
        "credits": "1",
        "category": "leisure",
        "days": WEEK,
        "capacity_period": "",
        "member_limit_period": "",
        "active": "on",
        **values,
    }
    return client.post(f"/organisations/{venue.pk}/offers/", form)


@pytest.mark.parametrize(
    "values",
    [
        {"capacity": HUGE},
        {"capacity": str(LARGEST + 1)},
        {"credit_rule": "fixed", "fixed_minutes": HUGE},
    ],
)
def test_a_session_with_a_number_too_large_is_refused(client, values):
    activity = _signed_in_coordinator(client)
    organisation = activity.organisation

    response = client.post(
        f"/organisations/{organisation.pk}/sessions/", _session_form(activity, **values)
    )

    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    assert not Session.objects.exists()


def test_the_largest_number_the_database_holds_is_taken(client):
    activity = _signed_in_coordinator(client)
    organisation = activity.organisation

    response = client.post(
        f"/organisations/{organisation.pk}/sessions/",
        _session_form(activity, capacity=str(LARGEST)),
    )

    assert response.status_code == 302
    assert Session.objects.get().capacity == LARGEST


def test_a_fixed_amount_per_person_is_typed_in_hours(client):
    activity = _signed_in_coordinator(client)
    organisation = activity.organisation

    response = client.post(
        f"/organisations/{organisation.pk}/sessions/",
        _session_form(activity, credit_rule="fixed", fixed_minutes="1.5"),
    )

    assert response.status_code == 302
    assert Session.objects.get().fixed_minutes == 90


def test_the_sessions_list_filtered_by_an_activity_too_large_says_so(client):
    activity = _signed_in_coordinator(client)
    organisation = activity.organisation

    response = client.get(f"/organisations/{organisation.pk}/sessions/?activity={HUGE}")

    # The filter is refused where it is chosen, and the list shown without it.
    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()


@pytest.mark.parametrize(
    "values",
    [
        {"capacity": HUGE, "capacity_period": "day"},
        {"member_limit": HUGE, "member_limit_period": "day"},
    ],
)
def test_an_offer_with_a_number_too_large_is_refused(client, venue, programme, values):
    response = _post_offer(client, venue, programmes=programme.pk, **values)

    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    assert not Offer.objects.exists()


@pytest.mark.parametrize("sent", ["abc", "²", HUGE])
def test_an_id_that_is_no_id_names_no_row(client, sent):
    activity = ActivityFactory()
    organisation = activity.organisation
    coordinator = StaffMembershipFactory(
        organisation=organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)

    decided = client.post(
        f"/organisations/{organisation.pk}/verify/", {"contribution": sent, "decision": "approve"}
    )
    ticked = client.post(
        f"/organisations/{organisation.pk}/verify/",
        {"approve_selected": "1", "contributions": [sent]},
        follow=True,
    )

    assert decided.status_code == 404
    assert ticked.status_code == 200
    assert "Choose the time to approve first." in ticked.content.decode()


@pytest.mark.parametrize("sent", ["²", HUGE])
def test_the_history_page_from_a_point_that_is_no_id_starts_at_the_newest(client, member, sent):
    client.force_login(member.user)

    assert client.get(f"/me/credits/?before={sent}").status_code == 200


@pytest.mark.parametrize("sent", [str(2**63), str(-(2**63) - 1), "9" * 30])
def test_an_offers_programme_no_column_holds_is_the_fields_error(client, venue, programme, sent):
    # SQLite cannot bind it: the ticked programmes' lookup failed as a 500.
    response = _post_offer(client, venue, programmes=[programme.pk, sent])

    assert response.status_code == 200
    assert 'id="id_programmes-error"' in response.content.decode()
    assert not Offer.objects.exists()
