"""Signing in and out on the web, without JavaScript."""

import re

import pytest
from django.test import Client

from tests.factories import MemberFactory, SessionFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_labelled_and_mobile_ready(client):
    response = client.get("/sign-in/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-gb">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert '<a class="skip-link" href="#main">' in html


def test_a_member_signs_in_and_sees_their_home(client, password):
    member = MemberFactory(user__first_name="Ben")

    response = client.post(
        "/sign-in/", {"username": member.user.username, "password": password}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert "Hello, Ben" in response.content.decode()
    assert response.context["user"] == member.user


def test_wrong_password_explains_and_stays_signed_out(client):
    member = MemberFactory()

    response = client.post("/sign-in/", {"username": member.user.username, "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_where_the_member_was_going(client, password):
    member = MemberFactory()

    response = client.post(
        "/sign-in/",
        {"username": member.user.username, "password": password, "next": "/api/v1/me"},
    )

    assert response["Location"] == "/api/v1/me"


def test_sign_out_is_a_post_and_ends_the_session(client, password):
    member = MemberFactory()
    client.login(username=member.user.username, password=password)

    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_forms_address_opened_as_a_page_says_so_rather_than_nothing(client):
    # A session's attendance address, reopened from history after a refused form, was a blank
    # page with a 405.
    session = SessionFactory()
    client.force_login(
        StaffMembershipFactory(organisation=session.activity.organisation, role="coordinator").user
    )

    response = client.get(f"/sessions/{session.pk}/attendance/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    text = response.content.decode()
    assert "This address only takes a form that is sent, so there is nothing to show here." in text
    assert "Go to the home page" in text


def test_welsh_is_offered_for_translation(settings):
    assert ("cy", "Welsh") in [(code, str(name)) for code, name in settings.LANGUAGES]


def test_a_form_sent_signed_out_comes_back_to_its_page_after_signing_in(client):
    # Its address takes only POST: opened after signing in, it was a bare 405.
    response = client.post(
        "/me/notifications/emails/",
        {},
        headers={"Referer": "http://testserver/me/notifications/"},
    )

    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/me/notifications/"


def test_a_form_sent_signed_out_from_elsewhere_comes_back_home(client):
    response = client.post("/me/card/replace/", {}, headers={"Referer": "https://evil.example/me/"})

    assert response.url == "/sign-in/?next=/"


def test_a_page_opened_signed_out_comes_back_to_itself(client):
    assert client.get("/me/notifications/?page=2").url == (
        "/sign-in/?next=/me/notifications/%3Fpage%3D2"
    )


def test_a_referer_path_that_names_another_site_comes_back_home(client):
    response = client.post(
        "/me/card/replace/", {}, headers={"Referer": "http://testserver//evil.example/x"}
    )

    assert response.url == "/sign-in/?next=/"


def test_the_language_switch_on_a_page_drawn_for_a_refused_form_comes_back_to_its_page(client):
    # The page of an empty allocation is drawn at .../allocations/, which takes only POST: the
    # switch went back there, a bare 405.
    from tests.factories import ProgrammeRoleFactory

    admin = ProgrammeRoleFactory(role="programme_admin")
    client.force_login(admin.user)
    programme = admin.programme_id
    page = client.post(
        f"/programmes/{programme}/admin/allocations/",
        {},
        headers={"Referer": f"http://testserver/programmes/{programme}/admin/"},
    ).content.decode()

    assert f'name="next" value="/programmes/{programme}/admin/"' in page


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_page_asked_for_before_signing_in_does_not_undo_the_new_form_token(password):
    """Signing in gives the browser a new form token. A page it asked for just before (the
    service worker warms its offline pages while the sign-in form is sent) must not put the old
    token back when it answers after: the forms drawn since would all be refused."""
    member = MemberFactory()
    phone = Client(enforce_csrf_checks=True)
    sign_in = phone.get("/sign-in/")
    before = {name: morsel.value for name, morsel in phone.cookies.items()}
    phone.post(
        "/sign-in/",
        {
            "username": member.user.username,
            "password": password,
            "csrfmiddlewaretoken": _form_token(sign_in.content.decode()),
        },
    )
    home = phone.get("/")

    late = Client(enforce_csrf_checks=True)
    late.cookies.load(before)
    late_answer = late.get("/sign-in/")
    for name, morsel in late_answer.cookies.items():
        phone.cookies[name] = morsel.value  # the browser takes what the late answer sets

    signed_out = phone.post(
        "/sign-out/", {"csrfmiddlewaretoken": _form_token(home.content.decode())}
    )

    assert signed_out.status_code == 302
    assert "_auth_user_id" not in phone.session
