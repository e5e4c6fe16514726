"""A coordinator's session page: adding attendance by hand, and undoing an approval."""

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from ledger.models import Transfer
from ledger.selectors import account_balance, member_account, organisation_account
from partners.models import StaffMembership
from tests.factories import (
    FinishedSessionFactory,
    MemberFactory,
    SessionFactory,
    StaffMembershipFactory,
    UserFactory,
)
from timecredits.activities.models import Contribution, ContributionEvent, Session
from timecredits.activities.services import checkins
from timecredits.activities.use_cases import verification as use_cases

pytestmark = pytest.mark.django_db


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def member_of(session, first_name, last_name):
    return MemberFactory(
        programme=session.activity.programme,
        user=UserFactory(first_name=first_name, last_name=last_name),
    )


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_session_page_offers_the_attendance_form_with_the_session_length(client):
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    response = client.get(f"/sessions/{session.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'action="/sessions/{session.pk}/attendance/"' in page
    assert 'name="attendance-member_codes"' in page
    assert 'name="attendance-minutes" value="2"' in page


def test_a_coordinator_adds_attendance_by_member_codes(client):
    # given two members, their codes typed one a line and with a comma, in lower case
    session = SessionFactory()
    ada, bob = member_of(session, "Ada", "Lovelace"), member_of(session, "Bob", "Marley")
    client.force_login(coordinator_of(session))

    # when
    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {
            "attendance-member_codes": f"{ada.code.lower()}\n, {bob.code}\n",
            "attendance-minutes": "",
        },
    )

    # then both wait for verification for the whole session
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    added = Contribution.objects.filter(session=session).order_by("member__pk")
    assert [(c.member, c.method, c.status, c.minutes) for c in added] == [
        (ada, "manual", "pending", 120),
        (bob, "manual", "pending", 120),
    ]
    assert added[0].checked_in_at == session.starts_at
    assert added[0].checked_out_at == session.ends_at
    assert flashed(response) == [
        f"Added 2 people, waiting for verification: Ada Lovelace ({ada.code}), "
        f"Bob Marley ({bob.code})."
    ]


def test_attendance_for_less_than_the_whole_session(client):
    session = SessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": ada.code, "attendance-minutes": "1,5"},  # a decimal comma
    )

    assert response.status_code == 302
    contribution = Contribution.objects.get(session=session)
    assert contribution.minutes == 90
    assert contribution.checked_out_at == session.starts_at + datetime.timedelta(minutes=90)
    assert flashed(response) == [
        f"Added 1 person, waiting for verification: Ada Lovelace ({ada.code})."
    ]


def test_an_unknown_code_refuses_the_whole_list_and_names_the_code(client):
    session = SessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": f"{ada.code}, NOSUCH99", "attendance-minutes": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Some member codes were not found. (NOSUCH99) Nothing was recorded." in page
    assert f"{ada.code}, NOSUCH99</textarea>" in page  # the list is kept, to correct it
    assert Contribution.objects.count() == 0
    assert ContributionEvent.objects.count() == 0


def test_a_member_of_another_programme_is_refused_by_code(client):
    session = SessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    outsider = MemberFactory()
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": f"{ada.code}\n{outsider.code}", "attendance-minutes": ""},
    )

    assert response.status_code == 200
    assert (
        f"Some members belong to another programme. ({outsider.code}) Nothing was recorded."
        in response.content.decode()
    )
    assert Contribution.objects.count() == 0


def test_a_member_already_recorded_refuses_the_list_and_adds_nobody_else(client):
    # given Bob already has time at this session
    session = SessionFactory()
    coordinator = coordinator_of(session)
    ada, bob = member_of(session, "Ada", "Lovelace"), member_of(session, "Bob", "Marley")
    client.force_login(coordinator)
    client.post(f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": bob.code})

    # when both are added
    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": f"{ada.code} {bob.code}"},
    )

    # then nobody is added, and Bob's code is named
    assert response.status_code == 200
    assert (
        f"This member already has time recorded at this session. ({bob.code}) Nothing was "
        "recorded." in response.content.decode()
    )
    assert list(Contribution.objects.values_list("member", flat=True)) == [bob.pk]


def test_every_member_already_recorded_is_named_at_once(client):
    # Only the first clash was named: the coordinator took one code off, sent, and met the next.
    session = SessionFactory()
    ada, bob, cy = (member_of(session, name, "Lee") for name in ("Ada", "Bob", "Cy"))
    client.force_login(coordinator_of(session))
    client.post(f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": bob.code})
    client.post(f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": cy.code})

    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": f"{ada.code} {bob.code} {cy.code}"},
    )

    codes = ", ".join(m.code for m in sorted((bob, cy), key=lambda m: m.pk))
    assert (
        "These members already have time recorded at this session, or that overlaps it. "
        f"({codes}) Nothing was recorded." in response.content.decode()
    )
    assert sorted(Contribution.objects.values_list("member", flat=True)) == sorted([bob.pk, cy.pk])


BOUNDS = "Give from 0.13 to 2 hours, the session&#x27;s length."


# Under eight minutes rounds to nothing at the factory's quarter hours; 1_5 is no number.
@pytest.mark.parametrize(
    ("hours", "refusal"),
    [
        ("2.05", BOUNDS),
        ("0", BOUNDS),
        ("0.01", BOUNDS),
        ("1_5", "Give the hours as a number, for example 1.5 for an hour and a half."),
    ],
)
def test_hours_beyond_the_session_or_too_few_to_count_are_refused(client, hours, refusal):
    session = SessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/",
        {"attendance-member_codes": ada.code, "attendance-minutes": hours},
    )

    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert Contribution.objects.count() == 0


def test_no_codes_at_all_is_refused(client):
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": " ,\n "}
    )

    assert response.status_code == 200
    assert "Enter at least one member code." in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_session_yet_to_start_says_when_attendance_can_be_added(client):
    starts = timezone.now() + datetime.timedelta(days=2)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(session))

    page = client.get(f"/sessions/{session.pk}/").content.decode()
    sent = client.post(f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": ada.code})

    assert "You can add attendance here once the session starts, on" in page
    assert 'name="attendance-member_codes"' not in page
    assert "You can add attendance once the session starts, on" in sent.content.decode()
    assert Contribution.objects.count() == 0


def test_a_cancelled_session_takes_no_attendance(client):
    from django.utils import timezone

    session = SessionFactory(cancelled_at=timezone.now())
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(session))

    response = client.post(
        f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": ada.code}
    )

    assert response.status_code == 200
    assert (
        "This session was cancelled, so no time can be recorded at it. Nothing was recorded."
        in response.content.decode()
    )
    assert Contribution.objects.count() == 0


def test_another_organisations_coordinator_cannot_add_attendance(client):
    session = SessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    client.force_login(coordinator_of(SessionFactory()))

    response = client.post(
        f"/sessions/{session.pk}/attendance/", {"attendance-member_codes": ada.code}
    )

    assert response.status_code == 403
    assert Contribution.objects.count() == 0


def balance_of(member) -> int:
    return account_balance(account=member_account(member=member)).posted


def balance_of_group(session) -> int:
    account = organisation_account(organisation=session.activity.organisation)
    return account_balance(account=account).posted


def approved_at(session, coordinator, member):
    (contribution,) = checkins.attendance_add(
        actor=coordinator, session=session, members=[member], minutes=90
    )
    return use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)


def test_the_session_page_offers_undo_only_for_approved_time(client):
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    approved = approved_at(session, coordinator, member_of(session, "Ada", "Lovelace"))
    (waiting,) = checkins.attendance_add(
        actor=coordinator, session=session, members=[member_of(session, "Bob", "Marley")]
    )
    client.force_login(coordinator)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert f'name="contribution" value="{approved.pk}"' in page
    assert f'name="contribution" value="{waiting.pk}"' not in page
    assert page.count("<summary>Undo approval</summary>") == 1


def test_a_coordinator_undoes_an_approval_and_the_credits_are_reversed(client):
    # given Ada's 90 minutes were approved and earned
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    ada = member_of(session, "Ada", "Lovelace")
    contribution = approved_at(session, coordinator, ada)
    group_before = balance_of_group(session)
    assert balance_of(ada) == 90
    client.force_login(coordinator)

    # when
    response = client.post(
        f"/sessions/{session.pk}/unapprove/",
        {"contribution": contribution.pk, "reason": "Approved the wrong person"},
    )

    # then the earning is reversed and the time waits again
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.decided_by, contribution.minutes) == (
        "pending",
        None,
        90,
    )
    (earned,) = Transfer.objects.filter(kind="earn")
    (reversal,) = Transfer.objects.filter(kind="reverse")
    assert (reversal.reverses, reversal.amount) == (earned, 90)
    assert balance_of(ada) == 0
    assert balance_of_group(session) == group_before + 90
    last = ContributionEvent.objects.filter(contribution=contribution).latest("pk")
    assert (last.actor, last.action, last.reason) == (
        coordinator,
        "unapproved",
        "Approved the wrong person",
    )
    assert flashed(response) == [
        f"Approval undone for Ada Lovelace ({ada.code}): the credits were taken back, and "
        "the time waits for a decision again."
    ]


def test_undoing_without_a_reason_changes_nothing(client):
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    ada = member_of(session, "Ada", "Lovelace")
    contribution = approved_at(session, coordinator, ada)
    transfers, events = Transfer.objects.count(), ContributionEvent.objects.count()
    client.force_login(coordinator)

    response = client.post(
        f"/sessions/{session.pk}/unapprove/", {"contribution": contribution.pk, "reason": "  "}
    )

    assert response.status_code == 302
    assert flashed(response) == ["Say why the approval is undone."]
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert balance_of(ada) == 90
    assert (Transfer.objects.count(), ContributionEvent.objects.count()) == (transfers, events)


def test_time_that_is_not_approved_cannot_be_undone(client):
    session = SessionFactory()
    coordinator = coordinator_of(session)
    (waiting,) = checkins.attendance_add(
        actor=coordinator, session=session, members=[member_of(session, "Ada", "Lovelace")]
    )
    events = ContributionEvent.objects.count()
    client.force_login(coordinator)

    response = client.post(
        f"/sessions/{session.pk}/unapprove/", {"contribution": waiting.pk, "reason": "Oops"}
    )

    assert flashed(response) == ["Only an approved contribution can be undone."]
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    assert Transfer.objects.filter(kind="reverse").count() == 0
    assert ContributionEvent.objects.count() == events


def test_another_organisations_coordinator_cannot_undo_an_approval(client):
    session = FinishedSessionFactory()
    ada = member_of(session, "Ada", "Lovelace")
    contribution = approved_at(session, coordinator_of(session), ada)
    client.force_login(coordinator_of(FinishedSessionFactory()))

    response = client.post(
        f"/sessions/{session.pk}/unapprove/", {"contribution": contribution.pk, "reason": "Mine"}
    )

    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert balance_of(ada) == 90
    assert Transfer.objects.filter(kind="reverse").count() == 0


def test_a_contribution_of_another_session_is_not_found_here(client):
    session, elsewhere = FinishedSessionFactory(), FinishedSessionFactory()
    coordinator = coordinator_of(session)
    contribution = approved_at(elsewhere, coordinator_of(elsewhere), member_of(elsewhere, "A", "B"))
    client.force_login(coordinator)

    response = client.post(
        f"/sessions/{session.pk}/unapprove/", {"contribution": contribution.pk, "reason": "Mine"}
    )

    assert response.status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == "approved"


def test_the_door_is_scanned_only_while_it_is_open(client):
    # A session two days past still offered the camera and "People here"; one to come says when
    # scanning starts.
    now = timezone.now()
    on = SessionFactory()  # started half an hour ago
    past = SessionFactory(activity=on.activity, starts_at=now - datetime.timedelta(days=2))
    later = SessionFactory(
        activity=on.activity, starts_at=now + datetime.timedelta(days=1, hours=1)
    )
    client.force_login(coordinator_of(on))

    def page(session):
        return client.get(f"/sessions/{session.pk}/").content.decode()

    assert "data-door-count" in page(on)
    assert "data-door-count" not in page(past) and "Scanning cards at the door" not in page(past)
    opens = timezone.localtime(later.starts_at - datetime.timedelta(minutes=30))
    assert f"Scanning cards at the door starts on {opens:%A %-d %B} at {opens:%H:%M}." in page(
        later
    )
    assert "data-door-count" not in page(later)


def test_a_coordinator_cancels_a_session_with_the_rest_of_its_series_and_puts_one_back(client):
    # There was no way to cancel a session, or a series added by mistake.
    first = SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=1))
    series = [first] + [
        SessionFactory(
            activity=first.activity,
            series=first.series,
            starts_at=first.starts_at + datetime.timedelta(weeks=n),
            ends_at=first.ends_at + datetime.timedelta(weeks=n),
        )
        for n in (1, 2)
    ]
    Session.objects.filter(pk__in=[s.pk for s in series]).update(series=uuid.uuid4())
    client.force_login(coordinator_of(first))

    page = client.get(f"/sessions/{first.pk}/").content.decode()
    cancelled = client.post(f"/sessions/{first.pk}/cancel/", {"series": "on"}, follow=True)
    back = client.post(f"/sessions/{first.pk}/reinstate/", follow=True)

    assert "Cancel this session…" in page
    assert "Also cancel the 2 later sessions in this series" in page
    text = cancelled.content.decode()
    assert "Cancelled this session and the 2 after it in the series." in text
    assert "This session is cancelled: check-in refuses it." in text
    assert "Put the session back on" in text
    assert "The session is back on." in back.content.decode()
    still_on = Session.objects.filter(cancelled_at__isnull=True).values_list("pk", flat=True)
    assert list(still_on) == [series[0].pk]


def test_a_session_under_way_offers_no_cancelling(client):
    session = SessionFactory()  # started half an hour ago
    client.force_login(coordinator_of(session))

    page = client.get(f"/sessions/{session.pk}/").content.decode()
    refused = client.post(f"/sessions/{session.pk}/cancel/", follow=True)

    assert "Cancel this session…" not in page
    assert "This session has started, so it can no longer be cancelled" in refused.content.decode()
    assert Session.objects.get().cancelled_at is None


def test_the_door_screen_of_a_cancelled_session_says_so_and_shows_no_code(client):
    # A tablet opened on a cancelled session showed a working-looking code: every scan refused.
    session = SessionFactory(
        starts_at=timezone.now() + datetime.timedelta(days=1), cancelled_at=timezone.now()
    )
    client.force_login(coordinator_of(session))

    kiosk = client.get(f"/sessions/{session.pk}/kiosk/").content.decode()
    poster = client.get(f"/sessions/{session.pk}/poster/").content.decode()

    assert "This session is cancelled: check-in refuses it." in kiosk
    assert "data-kiosk-qr" not in kiosk and "<svg" not in kiosk
    assert timezone.localtime(session.starts_at).strftime("%H:%M") in kiosk
    assert "This session is cancelled: check-in refuses it." in poster


def test_a_session_earning_a_fixed_amount_asks_for_no_hours(client):
    session = SessionFactory(credit_rule="fixed", fixed_minutes=90)
    client.force_login(coordinator_of(session))

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert 'name="attendance-minutes"' not in page
    assert "each earns the session\u2019s fixed 1.5 hours" in page
