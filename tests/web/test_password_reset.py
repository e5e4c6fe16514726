"""Forgot your password?: Django's reset flow by email, with its link on the address the request
came to, the same answer whether or not an address has an account, and limits on sending."""

import re

import pytest
from django.core import mail

from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8101"


@pytest.fixture(autouse=True)
def no_site_url(settings):
    settings.SITE_URL = ""


def ask(client, email, **extra):
    return client.post("/password/reset/", {"email": email}, **extra)


def test_a_member_resets_their_password_from_the_emailed_link(client):
    member = MemberFactory(
        user=UserFactory(email="amira@example.org", first_name="Amira", last_name="Khan")
    )

    sent = ask(client, "Amira@Example.org", HTTP_HOST=HOST)

    assert sent.status_code == 302 and sent["Location"] == "/password/reset/sent/"
    (email,) = mail.outbox
    assert email.to == ["amira@example.org"]
    assert "Hello Amira Khan," in email.body
    link = re.search(rf"http://{re.escape(HOST)}(/password/reset/\S+/\S+/)", email.body)[1]
    form = client.get(link, HTTP_HOST=HOST, follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase 7", "new_password2": "a brand new passphrase 7"},
        HTTP_HOST=HOST,
    )
    assert done["Location"] == "/password/reset/done/"
    member.user.refresh_from_db()
    assert member.user.check_password("a brand new passphrase 7")
    # the link works once
    again = client.get(link, HTTP_HOST=HOST, follow=True)
    assert "already been used or is too old" in again.content.decode()


def test_a_member_registered_by_a_coordinator_sets_their_first_password_this_way(client):
    """Registered at the door with an email and no password: they are emailed about their
    credits, and this is how they first sign in (Django sends nothing to an account without a
    usable password)."""
    user = UserFactory(email="dilys@example.org")
    user.set_unusable_password()
    user.save()
    MemberFactory(user=user)

    ask(client, "dilys@example.org", HTTP_HOST=HOST)

    (email,) = mail.outbox
    link = re.search(rf"http://{re.escape(HOST)}(/password/reset/\S+/\S+/)", email.body)[1]
    form = client.get(link, HTTP_HOST=HOST, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a first passphrase 7", "new_password2": "a first passphrase 7"},
        HTTP_HOST=HOST,
    )
    user.refresh_from_db()
    assert user.check_password("a first passphrase 7")


def test_a_closed_account_gets_no_link(client):
    user = UserFactory(email="gone@example.org", is_active=False)
    user.set_unusable_password()
    user.save()

    ask(client, "gone@example.org", HTTP_HOST=HOST)

    assert mail.outbox == []


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    MemberFactory(user=UserFactory(email="amira@example.org"))

    known = ask(client, "amira@example.org")
    unknown = ask(client, "nobody@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["amira@example.org"]]


def test_one_address_is_sent_a_few_links_an_hour_then_nothing_silently(client, settings):
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 2
    MemberFactory(user=UserFactory(email="amira@example.org"))

    answers = [ask(client, "amira@example.org") for _ in range(4)]

    assert [a.status_code for a in answers] == [302] * 4
    assert len(mail.outbox) == 2


def test_one_client_asking_too_often_is_told_to_wait(client, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 3
    MemberFactory(user=UserFactory(email="amira@example.org"))

    answers = [ask(client, f"person{n}@example.org") for n in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many attempts" in answers[-1].content.decode()


def test_the_sign_in_page_offers_password_reset_and_join_with_next(client):
    page = client.get("/sign-in/?next=/c/abc").content.decode()

    assert 'href="/password/reset/"' in page
    assert 'href="/join/?next=/c/abc"' in page or 'href="/join/?next=%2Fc%2Fabc"' in page
