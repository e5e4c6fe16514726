"""Members' own pages work without JavaScript and show the service's messages."""

from urllib.parse import quote

import pytest

from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
)
from tests.reports.surveyed import answer, built_in, when
from timecredits.members.models import Member, User
from timecredits.surveys.instruments import ONS4

pytestmark = pytest.mark.django_db


def _join_form(**overrides):
    form = {
        "first_name": "Carys",
        "last_name": "Jones",
        "email": "carys@example.org",
        "phone": "",
        "password": "a long and unusual passphrase",
        "new_to_volunteering": "yes",
        "accept_terms": "on",
        "reports_consent": "on",
        "about-postcode": "LL55 4UR",
        "about-age_band": "prefer_not_to_say",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def test_joining_on_the_web_signs_the_member_in(client):
    ProgrammeFactory(name="Riverside Time Credits")

    response = client.post("/join/", _join_form(), follow=True)

    member = Member.objects.get()
    assert response.redirect_chain[-1] == ("/me/", 302)
    assert response.context["user"] == member.user
    assert (member.area, member.age_band, member.new_to_volunteering) == (
        "LL55",
        "prefer_not_to_say",
        True,
    )
    assert (member.reports_consent, member.surveys_consent) == (True, False)
    assert "Welcome! You are now a member of Riverside Time Credits." in response.content.decode()


def test_joining_without_consent_or_with_a_bad_postcode_explains_and_creates_nothing(client):
    ProgrammeFactory()

    response = client.post("/join/", _join_form(accept_terms=None, **{"about-postcode": "XX"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "You need to agree to the terms of use to join." in html
    assert "Enter a UK postcode, like CF10 1AA, or leave it blank." in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


def test_a_bad_postcode_on_joining_opens_its_section_and_is_linked_from_the_summary(client):
    # It sat in a closed "About you" section, named by an unlinked line at the top.
    ProgrammeFactory()

    response = client.post("/join/", _join_form(**{"about-postcode": "XX"}))

    html = response.content.decode()
    assert "<details open>" in html
    assert '<a href="#id_about-postcode">Postcode: Enter a UK postcode' in html
    assert html.count("Enter a UK postcode, like CF10 1AA, or leave it blank.") == 2
    assert User.objects.count() == 0


def test_profile_shows_only_my_details(client):
    member = MemberFactory(user__first_name="Zebedee")
    other = MemberFactory(user__first_name="Ottoline")
    client.force_login(member.user)

    html = client.get("/me/").content.decode()

    assert "Zebedee" in html and member.code in html
    assert "Ottoline" not in html and other.code not in html


def test_withdrawing_consent_on_the_web(client):
    member = MemberFactory(reports_consent=True, surveys_consent=True)
    client.force_login(member.user)

    response = client.post("/me/choices/", {"surveys": "on"})

    member.refresh_from_db()
    assert response.status_code == 302
    assert (member.reports_consent, member.surveys_consent) == (False, True)


def test_data_download_is_a_json_attachment(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.get("/me/data.json")

    assert response["Content-Disposition"] == 'attachment; filename="my-time-credits-data.json"'
    assert response.json()["member"]["code"] == member.code


def test_data_download_carries_survey_answers_with_their_numbers(client):
    # Every member who answered a survey got a server error here: the answers' numbers are
    # decimals, which the standard JSON encoder refuses.
    member = MemberFactory()
    answer(member, built_in(ONS4, "worthwhile"), 0, "7", when(10))
    client.force_login(member.user)

    response = client.get("/me/data.json")

    assert response.status_code == 200
    (answered,) = response.json()["survey_answers"]
    assert (answered["wave"], answered["value"], answered["number"]) == (0, "7", "7.00")
    api = client.get("/api/v1/members/me/export")
    assert api.status_code == 200
    assert api.json()["survey_answers"] == response.json()["survey_answers"]


def test_member_card_carries_a_qr_code_and_the_code(client):
    member = MemberFactory()
    client.force_login(member.user)

    html = client.get("/me/card/").content.decode()

    assert "<svg" in html and "<path" in html
    assert member.code in html


def test_member_pages_need_sign_in(client):
    response = client.get("/me/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/me/"


def test_a_member_replaces_their_card_from_their_profile(client):
    member = MemberFactory()
    client.force_login(member.user)
    profile = client.get("/me/").content.decode()
    assert 'action="/me/card/replace/"' in profile

    response = client.post("/me/card/replace/", follow=True)

    assert response.redirect_chain == [("/me/card/", 302)]
    assert "Here is your new card. Your old card no longer works." in response.content.decode()
    member.refresh_from_db()
    assert member.pass_version == 2


def test_replacing_a_card_needs_a_post_and_a_get_changes_nothing(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.get("/me/card/replace/")

    assert response.status_code == 405
    member.refresh_from_db()
    assert member.pass_version == 1


def test_a_coordinator_reissues_a_registered_members_card_from_its_page(client):
    group = OrganisationFactory()
    member = MemberFactory(registered_by_organisation=group)
    coordinator = StaffMembershipFactory(organisation=group, role="coordinator").user
    client.force_login(coordinator)
    card_url = f"/organisations/{group.pk}/members/{member.pk}/card/"
    assert f'action="{card_url}replace/"' in client.get(card_url).content.decode()

    response = client.post(f"{card_url}replace/", follow=True)

    assert response.redirect_chain == [(card_url, 302)]
    assert "Here is the new card. The old card no longer works." in response.content.decode()
    member.refresh_from_db()
    assert member.pass_version == 2


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "https:/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_joining_ignores_a_next_page_on_another_site(client, elsewhere):
    ProgrammeFactory()

    response = client.post(f"/join/?next={quote(elsewhere)}", _join_form())

    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert Member.objects.count() == 1


def test_joining_follows_a_next_page_on_this_site(client):
    ProgrammeFactory()

    response = client.post(f"/join/?next={quote('/me/credits/')}", _join_form())

    assert (response.status_code, response["Location"]) == (302, "/me/credits/")


def test_an_email_another_account_has_is_refused_on_details_in_a_signed_in_persons_words(
    client,
):
    # "Try signing in" told someone signed in to do what they had done.
    MemberFactory(user__email="ben@example.org")
    member = MemberFactory(user__first_name="Ada", user__email="ada@example.org")
    client.force_login(member.user)

    response = client.post(
        "/me/details/", {"first_name": "Ada", "email": "ben@example.org", "phone": ""}
    )

    html = response.content.decode()
    assert "Another account already has this email address. Use a different one." in html
    assert "Try signing in" not in html
    member.user.refresh_from_db()
    assert member.user.email == "ada@example.org"
