"""Which language a page speaks: the account's stored choice, else the language cookie, else the
browser's Accept-Language; the header's switch keeps the choice (on the account when signed in),
and words written for someone else (notifications, emails) are in that person's language."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from tests.factories import MemberFactory, UserFactory
from timecredits.credits.services.gifts import gift_to_member
from timecredits.notifications.models import Notification
from timecredits.templatetags.credits import credits_words

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_with_no_choice_the_browser_s_accept_language_decides(client):
    assert html_lang(client.get("/sign-in/", headers={"accept-language": "cy"})) == "cy"
    assert html_lang(client.get("/sign-in/", headers={"accept-language": "en"})) == "en-gb"


def test_the_header_offers_the_other_language_in_its_own_words(client):
    english = client.get("/sign-in/", headers={"accept-language": "en"}).content.decode()
    welsh = client.get("/sign-in/", headers={"accept-language": "cy"}).content.decode()

    assert 'value="cy" lang="cy" class="link-button">Cymraeg</button>' in english
    assert 'value="en-gb" lang="en-GB" class="link-button">English</button>' in welsh


def test_signed_out_the_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "cy", "next": "/sign-in/?next=/me/"})

    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/me/"
    assert response.cookies[COOKIE].value == "cy"
    page = client.get("/sign-in/", headers={"accept-language": "en"})
    assert html_lang(page) == "cy"


def test_the_switch_never_returns_to_another_site(client):
    response = client.post("/language/", {"language": "cy", "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/"


def test_signed_in_the_choice_is_kept_on_the_account_and_beats_the_browser(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.post("/language/", {"language": "cy", "next": "/me/"})

    assert response["Location"] == "/me/"
    member.user.refresh_from_db()
    assert member.user.language == "cy"
    client.cookies.pop(COOKIE)  # another phone: no cookie, an English browser
    assert html_lang(client.get("/me/", headers={"accept-language": "en"})) == "cy"


def test_a_stored_choice_beats_a_cookie_saying_otherwise_and_mends_it(client):
    user = MemberFactory(user=UserFactory(language="cy")).user
    client.force_login(user)
    client.cookies[COOKIE] = "en-gb"

    response = client.get("/me/")

    assert html_lang(response) == "cy"
    assert response.cookies[COOKIE].value == "cy"


def test_signing_in_switches_to_the_stored_language_and_it_outlasts_signing_out(client, password):
    user = MemberFactory(user=UserFactory(language="cy")).user

    signed_in = client.post(
        "/sign-in/",
        {"username": user.username, "password": password},
        headers={"accept-language": "en"},
    )
    assert signed_in.status_code == 302
    assert html_lang(client.get("/me/", headers={"accept-language": "en"})) == "cy"
    client.post("/sign-out/")

    assert html_lang(client.get("/sign-in/", headers={"accept-language": "en"})) == "cy"


def test_a_language_not_offered_is_refused_and_nothing_is_kept(client):
    user = MemberFactory().user
    client.force_login(user)

    response = client.post("/language/", {"language": "fr", "next": "/me/"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == ""
    assert COOKIE not in response.cookies


def test_the_switch_is_a_post(client):
    assert client.get("/language/?language=cy").status_code == 405


def test_a_welsh_speaker_is_notified_in_welsh_even_by_an_english_page(stand_in_welsh, pair):
    giver, recipient = pair
    recipient.user.language = "cy"
    recipient.user.save()

    gift_to_member(actor=giver.user, recipient=recipient, minutes=60, idempotency_key="k1")
    gift_to_member(actor=recipient.user, recipient=giver, minutes=30, idempotency_key="k2")

    welsh = Notification.objects.get(member=recipient)
    english = Notification.objects.get(member=giver)
    with translation.override("cy"):
        one_credit = credits_words(60)
    assert welsh.title == f"Rhoddodd aelod {giver.code} {one_credit} i chi"
    assert english.title == f"Member {recipient.code} gave you 0.5 credits"


def test_a_password_reset_email_is_in_the_account_s_language(stand_in_welsh, client):
    MemberFactory(user=UserFactory(email="dafydd@example.org", language="cy"))
    MemberFactory(user=UserFactory(email="ann@example.org"))

    client.post(
        "/password/reset/", {"email": "dafydd@example.org"}, headers={"accept-language": "en"}
    )
    client.post("/password/reset/", {"email": "ann@example.org"}, headers={"accept-language": "en"})

    assert [m.subject for m in mail.outbox] == [
        "Gosod cyfrinair Credydau Amser newydd",
        "Set a new Time credits password",
    ]


def test_the_phone_app_speaks_the_account_s_language_whatever_the_phone_says(bearer_for, client):
    """A bearer token's person is known only after the language middleware has run: the API
    applies their stored language itself."""
    unknown_activity = "/api/v1/activities/999999999/sessions"
    english = MemberFactory()
    welsh = MemberFactory(user__language="cy")

    said = {
        member.user.language: client.get(
            unknown_activity, headers={**bearer_for(member.user), "accept-language": "en"}
        )
        for member in (english, welsh)
    }

    assert [r.status_code for r in said.values()] == [404, 404]
    assert said[""]["Content-Language"] == "en-gb"
    assert said["cy"]["Content-Language"] == "cy"
    english_words = said[""].json()["error"]["message"]
    with translation.override("cy"):
        welsh_words = translation.gettext(english_words)
    assert welsh_words != english_words
    assert said["cy"].json()["error"]["message"] == welsh_words
    assert COOKIE not in said["cy"].cookies  # a token carries no cookie to mend


def test_djangos_own_form_errors_read_right_in_welsh(client, venue):
    # Its catalogue said "number date" for a bad date, and "greater or less than" a limit.
    from tests.spending.conftest import venue_staff

    client.force_login(venue_staff(venue, "org_admin"))
    client.cookies[COOKIE] = "cy"

    page = client.post(
        f"/organisations/{venue.pk}/offers/",
        {"title": "Nofio", "credits": "1", "valid_from": "yfory", "capacity": "99999999999"},
    ).content.decode()

    assert "Rhowch ddyddiad dilys." in page
    assert "Mae&#x27;r rhif hwnnw&#x27;n rhy fawr." in page
    assert "Rhif ddyddiad" not in page and "fwy neu&#x27;n llai" not in page


def test_july_is_spelt_right_in_welsh_dates():
    # Django's Welsh catalogue has "Gorffenaf": every July date in emails and pages read so.
    import datetime

    from django.utils.formats import date_format

    with translation.override("cy"):
        said = date_format(datetime.date(2026, 7, 15))

    assert "Gorffennaf" in said


def test_an_invitation_to_someone_with_an_account_is_written_in_their_language():
    from partners.models import StaffMembership
    from partners.services.organisations import invitation_create
    from tests.factories import StaffMembershipFactory

    admin = StaffMembershipFactory(role=StaffMembership.Role.ORG_ADMIN)
    UserFactory(email="carys@example.org", language="cy")

    with translation.override("en-gb"):  # the inviter's page
        welsh, _ = invitation_create(
            actor=admin.user,
            organisation=admin.organisation,
            email="Carys@example.org",
            role="coordinator",
        )
        english, _ = invitation_create(
            actor=admin.user,
            organisation=admin.organisation,
            email="new@example.org",
            role="coordinator",
        )

    assert (welsh.language, english.language) == ("cy", "en-gb")


def test_a_form_whose_security_token_lapsed_is_told_so_in_the_persons_language():
    """Django's own page for a refused CSRF token is English; ours says what to do."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies[COOKIE] = "cy"

    response = strict.post("/sign-in/", {"username": "ana", "password": "x"})

    assert response.status_code == 403
    assert html_lang(response) == "cy"
    assert "Ewch yn ôl, ail-lwythwch y dudalen" in response.content.decode()


def test_the_api_answers_a_lapsed_token_in_its_own_shape_without_drawing_a_page():
    """Ninja checks an API call's CSRF token through the same view: it draws no page there (a
    page would read the navigation and use up a message waiting for the next one)."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(MemberFactory().user)

    response = strict.post("/api/v1/checkins", {"token": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "csrftoken" not in response.cookies
