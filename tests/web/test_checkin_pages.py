"""The member's check-in pages: a confirm page that says where and what, a checked-in state a
second tap or scan cannot undo, a check-out that is asked for and confirmed, and a signed-out
landing that signs in or joins and comes back. All plain forms, no JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import MemberFactory, SessionFactory, UserFactory
from timecredits.activities import tokens
from timecredits.activities.models import Contribution, Session

pytestmark = pytest.mark.django_db


def poster_path(session):
    token = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    return f"/c/{token}"


def amira(session):
    return MemberFactory(
        programme=session.activity.programme,
        user=UserFactory(first_name="Amira", last_name="Khan"),
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def lunch_club():
    session = SessionFactory(
        activity__title="Lunch club", location="Kitchen", credit_rule=Session.CreditRule.FIXED
    )
    session.fixed_minutes = 120
    session.save()
    return session


def test_the_confirm_page_says_where_when_what_it_earns_and_whose_account(client):
    session = lunch_club()
    client.force_login(amira(session).user)

    page = text(client.get(poster_path(session)))

    assert "Check in at Lunch club" in page
    assert session.activity.organisation.name in page
    assert "Kitchen" in page
    assert timezone.localtime(session.starts_at).strftime("%H:%M") in page
    assert "2 credits for coming" in page
    assert "Checking in as Amira Khan." in page
    assert "Not you? Sign out" in page
    assert page.count('type="submit" class="button big"') == 1


def test_a_session_earning_by_the_hour_says_up_to_and_one_credit_in_the_singular(client):
    now = timezone.now()
    session = SessionFactory(
        starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(minutes=50)
    )
    client.force_login(amira(session).user)

    page = text(client.get(poster_path(session)))

    assert "Up to 1 credit, by the time you stay" in page


def test_checking_in_shows_the_time_and_sets_check_out_apart(client):
    session = lunch_club()
    client.force_login(amira(session).user)

    response = client.post(poster_path(session), follow=True)

    page = text(response)
    contribution = Contribution.objects.get()
    checked_in = timezone.localtime(contribution.checked_in_at).strftime("%H:%M")
    assert response.redirect_chain == [("/checkin/", 302)]
    assert f"Checked in at {checked_in}" in page
    assert 'class="notice success"' in page
    # Check-out is a link to a question, below the check-in, never a button that checks out.
    assert '<a class="button secondary" href="/checkout/">' in page
    assert 'action="/checkout/"' not in page
    assert page.index("Checked in at") < page.index('href="/checkout/"')


def test_a_double_tap_or_a_second_scan_never_checks_out(client):
    session = lunch_club()
    client.force_login(amira(session).user)
    path = poster_path(session)

    first = client.post(path)
    second = client.post(path)  # the second tap of a double tap
    scanned_again = client.get(path)

    assert [r["Location"] for r in (first, second, scanned_again)] == ["/checkin/"] * 3
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.checked_out_at) == ("checked_in", None)


def test_check_out_is_asked_then_confirmed(client):
    session = lunch_club()
    member = amira(session)
    client.force_login(member.user)
    client.post(poster_path(session))
    Contribution.objects.update(checked_in_at=timezone.now() - datetime.timedelta(minutes=65))

    question = client.get("/checkout/")

    assert "Check out of Lunch club now?" in text(question)
    assert "You have been here 1 hour 5 minutes" in text(question)
    assert Contribution.objects.get().status == "checked_in"  # asking changed nothing

    done = client.post("/checkout/")

    assert done["Location"] == "/me/contributions/"
    assert Contribution.objects.get().status == "pending"


def test_the_check_out_question_without_a_check_in_goes_back_to_the_status(client):
    session = lunch_club()
    client.force_login(amira(session).user)

    assert client.get("/checkout/")["Location"] == "/checkin/"


def test_scanning_again_after_checking_out_says_the_time_is_recorded(client):
    session = lunch_club()
    client.force_login(amira(session).user)
    path = poster_path(session)
    client.post(path)
    client.post("/checkout/")

    page = text(client.get(path))
    Contribution.objects.update(minutes=0)  # as a per-hour session's quick check-out leaves it
    nothing = text(client.get(path))

    assert "You already checked in here at" in page
    assert 'class="button big"' not in page
    assert Contribution.objects.count() == 1
    # Out a moment after in: it said only "recorded", with no way to put it right.
    assert "It came to no time" in nothing and "ask the session’s coordinator" in nothing  # noqa: RUF001
    assert "It came to no time" not in page


def test_signed_out_the_poster_lands_on_sign_in_or_join_with_the_session(client):
    session = lunch_club()
    path = poster_path(session)

    response = client.get(path)

    page = text(response)
    assert response.status_code == 200
    assert "Sign in or join to check in at Lunch club" in page
    assert session.activity.organisation.name in page and "Kitchen" in page
    assert 'action="/sign-in/"' in page
    assert f'name="next" value="{path}"' in page
    assert "/join/?next=%2Fc%2F" in page
    assert 'href="/password/reset/"' in page
    assert Contribution.objects.count() == 0


def test_joining_from_the_poster_comes_back_to_check_in(client, password):
    session = lunch_club()
    path = poster_path(session)
    join_url = re.search(r'href="(/join/\?next=[^"]+)"', client.get(path).content.decode())[1]

    joined = client.post(
        join_url.replace("&amp;", "&"),
        {
            "first_name": "Nia",
            "last_name": "Evans",
            "email": "nia@example.org",
            "password": "a long enough passphrase 42",
            "accept_terms": "on",
        },
    )

    assert joined.status_code == 302, joined.content.decode()[:3000]
    assert joined["Location"] == path
    page = text(client.get(path))
    assert "Check in at Lunch club" in page
    assert "Checking in as Nia Evans." in page


def test_joining_never_sends_someone_to_another_site(client):
    lunch_club()  # a programme to join
    joined = client.post(
        "/join/?next=https://evil.example/c/x",
        {
            "first_name": "Nia",
            "last_name": "Evans",
            "email": "nia@example.org",
            "password": "a long enough passphrase 42",
            "accept_terms": "on",
        },
    )

    assert joined.status_code == 302
    assert joined["Location"] == "/me/"


def _seen_by_its_coordinator(client, session) -> tuple[str, str]:
    """The session's page and its organisation's verification queue, as its coordinator sees
    them."""
    from partners.models import StaffMembership
    from tests.factories import StaffMembershipFactory

    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)
    session_page = text(client.get(f"/sessions/{session.pk}/"))
    return session_page, text(
        client.get(f"/organisations/{session.activity.organisation_id}/verify/")
    )


def test_the_coordinator_sees_a_scan_synced_late_on_the_session_and_the_queue(client):
    from tests.factories import ContributionFactory

    session = lunch_club()
    late = ContributionFactory(session=session, synced_late=True)
    ContributionFactory(session=session)  # on time: no tag

    session_page, queue = _seen_by_its_coordinator(client, session)

    assert late.status == "pending"
    assert session_page.count('<span class="tag warning">Synced late</span>') == 1
    assert queue.count('<span class="tag warning">Synced late</span>') == 1
    assert "Scanned offline at" in queue


def test_the_coordinator_sees_a_scan_whose_phone_clock_was_wrong(client):
    from tests.factories import ContributionFactory

    session = lunch_club()
    ContributionFactory(session=session, synced_late=True, clock_disagreed=True)

    session_page, queue = _seen_by_its_coordinator(client, session)

    assert session_page.count('<span class="tag warning">Phone clock was wrong</span>') == 1
    assert queue.count('<span class="tag warning">Phone clock was wrong</span>') == 1
    assert "Scanned offline by a phone whose clock was wrong: recorded at" in queue
    assert "Scanned offline at" not in queue


def test_checked_in_elsewhere_the_confirm_page_says_check_out_there_first(client):
    first = lunch_club()
    other = SessionFactory(activity__programme=first.activity.programme, activity__title="Choir")
    client.force_login(amira(first).user)
    client.post(poster_path(other))

    page = text(client.get(poster_path(first)))

    assert "You are still checked in at Choir. Check out there first." in page
    assert 'class="button big"' not in page
    assert 'href="/checkout/"' in page


def test_not_checked_in_the_status_page_offers_the_scanner_first(client):
    client.force_login(MemberFactory().user)

    html = client.get("/checkin/").content.decode()

    assert "You are not checked in" in html
    scan = html.index('<a class="button" href="/scan/">Scan a code</a>')
    assert scan < html.index('href="/me/contributions/"')
