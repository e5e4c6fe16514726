"""An organisation's settings (partners.use_cases.organisation_settings_update and its page):
its admin sets its details and whether QR check-ins are approved automatically; nobody else
can, and a refusal or bad input changes nothing."""

import pytest
from django.forms.models import model_to_dict

from partners.models import Organisation
from partners.use_cases import organisation_settings, organisation_settings_update
from tests.factories import (
    MemberFactory,
    StaffMembershipFactory,
    UserFactory,
    approved_organisation,
)
from timecredits.errors import Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Riverside Lunch Club",
    "description": "Hot lunches on Tuesdays",
    "contact_email": "hello@lunchclub.example",
    "contact_phone": "029 2000 0000",
    "website": "https://lunchclub.example",
    "address": "1 River Street",
    "postcode": "CF10 1AA",
    "area": "Riverside",
}


@pytest.fixture
def organisation():
    return approved_organisation(name="Lunch club", auto_approve_checkins=False)


def admin_of(organisation):
    return StaffMembershipFactory(organisation=organisation, role="org_admin").user


def saved(organisation) -> dict:
    return model_to_dict(Organisation.objects.get(pk=organisation.pk))


def test_its_admin_sets_auto_approval_and_the_details(organisation):
    admin = admin_of(organisation)

    organisation_settings_update(
        actor=admin, organisation_id=organisation.pk, auto_approve_checkins=True, **DETAILS
    )

    after = Organisation.objects.get(pk=organisation.pk)
    assert after.auto_approve_checkins is True
    assert {field: getattr(after, field) for field in DETAILS} == DETAILS


def test_its_admin_turns_auto_approval_off_again(organisation):
    admin = admin_of(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(auto_approve_checkins=True)

    organisation_settings_update(
        actor=admin, organisation_id=organisation.pk, auto_approve_checkins=False, name="Club"
    )

    after = Organisation.objects.get(pk=organisation.pk)
    assert (after.auto_approve_checkins, after.name) == (False, "Club")


@pytest.mark.parametrize("who", ["coordinator", "venue_staff", "member", "other_admin", "nobody"])
def test_anyone_but_its_admin_is_refused_and_nothing_changes(organisation, who):
    actor = {
        "coordinator": lambda: (
            StaffMembershipFactory(organisation=organisation, role="coordinator").user
        ),
        "venue_staff": lambda: (
            StaffMembershipFactory(organisation=organisation, role="venue_staff").user
        ),
        "member": lambda: MemberFactory().user,
        "other_admin": lambda: admin_of(approved_organisation()),
        "nobody": UserFactory,
    }[who]()
    before = saved(organisation)

    with pytest.raises(PermissionDenied):
        organisation_settings(actor=actor, organisation_id=organisation.pk)
    with pytest.raises(PermissionDenied):
        organisation_settings_update(
            actor=actor, organisation_id=organisation.pk, auto_approve_checkins=True, name="Mine"
        )

    assert saved(organisation) == before


def test_an_unknown_organisation_is_not_found(organisation):
    with pytest.raises(NotFound):
        organisation_settings(actor=admin_of(organisation), organisation_id=organisation.pk + 99)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"auto_approve_checkins": True, "name": "  "}, "name"),
        ({"auto_approve_checkins": True, "contact_email": "not an address"}, "contact_email"),
        ({"auto_approve_checkins": "yes"}, "auto_approve_checkins"),
        ({"auto_approve_checkins": True, "slug": "taken"}, "slug"),
        ({"auto_approve_checkins": True, "name": None}, "name"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_changes(organisation, changes, field):
    admin = admin_of(organisation)
    before = saved(organisation)

    with pytest.raises(Invalid) as refused:
        organisation_settings_update(actor=admin, organisation_id=organisation.pk, **changes)

    assert [problem["field"] for problem in refused.value.detail] == [field]
    assert saved(organisation) == before


# --- the page ---


def test_the_page_shows_the_settings_and_saving_redirects_back(client, organisation):
    client.force_login(admin_of(organisation))
    url = f"/organisations/{organisation.pk}/settings/"

    page = client.get(url).content.decode()
    response = client.post(url, {**DETAILS, "auto_approve_checkins": "on"})

    assert 'name="auto_approve_checkins"' in page and 'value="Lunch club"' in page
    assert (response.status_code, response["Location"]) == (302, url)
    after = Organisation.objects.get(pk=organisation.pk)
    assert (after.auto_approve_checkins, after.name) == (True, "Riverside Lunch Club")
    assert "Settings saved." in client.get(url).content.decode()


def test_the_page_shows_bad_input_next_to_its_field_and_saves_nothing(client, organisation):
    client.force_login(admin_of(organisation))
    before = saved(organisation)

    response = client.post(
        f"/organisations/{organisation.pk}/settings/",
        {"name": "Renamed", "contact_email": "nowhere", "auto_approve_checkins": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_contact_email-error"' in page
    assert saved(organisation) == before


def test_a_coordinator_gets_a_refusal_page_and_nothing_changes(client, organisation):
    client.force_login(StaffMembershipFactory(organisation=organisation, role="coordinator").user)
    before = saved(organisation)

    response = client.post(
        f"/organisations/{organisation.pk}/settings/",
        {"name": "Renamed", "auto_approve_checkins": "on"},
    )

    assert response.status_code == 403
    assert saved(organisation) == before


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "http://a b"],
)
def test_a_website_that_is_not_a_web_address_is_refused_and_nothing_changes(organisation, website):
    # Members are shown an organisation's website: only a web address may be one.
    admin = admin_of(organisation)
    before = saved(organisation)

    with pytest.raises(Invalid) as refused:
        organisation_settings_update(
            actor=admin,
            organisation_id=organisation.pk,
            auto_approve_checkins=True,
            website=website,
        )

    assert refused.value.detail == [
        {"field": "website", "message": "Enter a web address like https://example.org."}
    ]
    assert saved(organisation) == before


def test_a_bare_website_is_kept_as_a_web_address(organisation):
    admin = admin_of(organisation)

    organisation_settings_update(
        actor=admin,
        organisation_id=organisation.pk,
        auto_approve_checkins=False,
        website=" lunchclub.example/menu ",
    )

    assert saved(organisation)["website"] == "https://lunchclub.example/menu"
