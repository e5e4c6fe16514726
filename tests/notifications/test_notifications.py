"""Members hear about their credits in the app, and by email after commit unless they opted out."""

import pytest
from django.core import mail

from tests.factories import (
    ContributionFactory,
    FinishedSessionFactory,
    MemberFactory,
    StaffMembershipFactory,
)
from tests.racing import second_waits_for_first
from timecredits.activities.services import verification
from timecredits.notifications.models import EmailOptOut, Notification
from timecredits.notifications.services import email_preferences_set, notify

pytestmark = pytest.mark.django_db


def approve_time(member, minutes=90):
    session = FinishedSessionFactory(activity__programme=member.programme)
    contribution = ContributionFactory(
        member=member, session=session, method="manual", minutes=minutes
    )
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role="coordinator"
    ).user
    return verification.contribution_approve(actor=coordinator, contribution=contribution)


def test_approved_time_tells_the_member_in_the_app_and_by_email_after_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://credits.example"  # no request here gives the site's address
    member = MemberFactory(user__email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approve_time(member, minutes=90)
        assert mail.outbox == []  # nothing leaves before the approval commits

    notification = Notification.objects.get(member=member)
    assert (notification.kind, notification.title) == ("credits_earned", "You earned 1.5 credits")
    assert notification.url == "/me/credits/"
    assert len(callbacks) == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "You earned 1.5 credits")
    ]
    assert "https://credits.example/me/credits/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_member_who_opted_out_still_sees_it_in_the_app_but_gets_no_email(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory(user__email="ben@example.org")
    email_preferences_set(member=member, kinds={"gift_received"})

    with django_capture_on_commit_callbacks(execute=True):
        approve_time(member)

    assert Notification.objects.filter(member=member, kind="credits_earned").count() == 1
    assert mail.outbox == []


def test_a_member_without_email_gets_the_notification_in_the_app_only(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory(user__email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(member=member, kind="gift_received", title="A gift")

    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.get(member=member).title == "A gift"


def test_sending_twice_emails_once(django_capture_on_commit_callbacks):
    from timecredits.notifications.tasks import send_emails

    member = MemberFactory(user__email="cy@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member=member, kind="gift_received", title="A gift")

    assert send_emails([notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_the_api_lists_only_my_notifications_and_marks_them_read(client, bearer_for):
    me, other = MemberFactory(), MemberFactory()
    notify(member=me, kind="gift_received", title="Mine")
    notify(member=other, kind="gift_received", title="Theirs")
    headers = bearer_for(me.user)

    listed = client.get("/api/v1/me/notifications", headers=headers).json()
    read = client.post("/api/v1/me/notifications/read", headers=headers).json()

    assert (listed["unread"], [n["title"] for n in listed["items"]]) == (1, ["Mine"])
    assert (read["unread"], read["items"][0]["read"]) == (0, True)
    assert Notification.objects.get(member=other).read_at is None


def test_email_choices_through_the_api(client, bearer_for):
    member = MemberFactory()
    headers = bearer_for(member.user)

    saved = client.put(
        "/api/v1/me/email-preferences",
        {"kinds": ["credits_expiring"]},
        content_type="application/json",
        headers=headers,
    )
    refused = client.put(
        "/api/v1/me/email-preferences",
        {"kinds": ["spam"]},
        content_type="application/json",
        headers=headers,
    )

    assert saved.json() == {"kinds": ["credits_expiring"]}
    assert refused.status_code == 422
    assert set(EmailOptOut.objects.filter(member=member).values_list("kind", flat=True)) == {
        "credits_earned",
        "redemption_confirmed",
        "gift_received",
    }


def test_the_page_shows_the_unread_count_and_saves_email_choices(client):
    member = MemberFactory()
    notify(member=member, kind="gift_received", title="A gift from Bea")
    client.force_login(member.user)

    page = client.get("/me/notifications/").content.decode()
    client.post("/me/notifications/emails/", {"kinds": ["gift_received"]})
    client.post("/me/notifications/")

    assert "A gift from Bea" in page and "1 new" in page
    assert EmailOptOut.objects.filter(member=member).count() == 3
    assert Notification.objects.get(member=member).read_at is not None
    assert "1 new" not in client.get("/me/notifications/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_changes_of_email_choices_at_once_take_turns():
    """A double submit (found by fuzzing the API): each change deleted what the other had not
    yet written, and the second then broke the one-opt-out-per-kind rule, a 500."""
    member = MemberFactory()

    waited, failures = second_waits_for_first(
        lambda: email_preferences_set(member=member, kinds=set()),
        lambda: email_preferences_set(member=member, kinds=set()),
    )

    assert failures == []
    assert waited
    assert EmailOptOut.objects.filter(member=member).count() == len(Notification.Kind.values)
