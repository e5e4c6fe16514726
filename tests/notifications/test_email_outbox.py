"""Every owed email is sent exactly once: failures are retried with backoff, a sweep pays what a
lost task left owed, concurrent senders send it once, and nothing goes to those not owed one.

The mail server is Django's in-memory backend; the failing ones below are real backend
subclasses that refuse (or die) on chosen tries, standing in for an SMTP server that does.
"""

import datetime
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_q.models import Schedule

from tests.factories import MemberFactory
from timecredits.notifications import services
from timecredits.notifications.models import Notification
from timecredits.notifications.outbox import emails_send
from timecredits.notifications.services import Message, email_preferences_set, notify, notify_many
from timecredits.notifications.tasks import send_emails, send_owed_emails

Status = Notification.EmailStatus
MINUTE = datetime.timedelta(minutes=1)
BACKENDS = "tests.notifications.test_email_outbox"


class RefusingOnce(EmailBackend):
    """A mail server that is down for the first message it is handed, then takes the rest."""

    tries = 0

    def send_messages(self, messages):
        type(self).tries += 1
        if type(self).tries == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class AlwaysRefusing(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


class WorkerKilled(BaseException):
    """What a kill -9 looks like from inside: nothing after it runs, no handler catches it."""


class DyingMidSend(EmailBackend):
    def send_messages(self, messages):
        raise WorkerKilled


class Slow(EmailBackend):
    """A mail server that takes a while to answer, so two senders overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


def owed_without_its_task(member, title="A gift from Bea") -> Notification:
    """A notification whose after-commit task was never run: its worker died, or it was lost."""
    return notify(member=member, kind="gift_received", title=title)


def later(notification: Notification, by: datetime.timedelta) -> None:
    """Let time pass for one notification, by moving its next try that much earlier."""
    Notification.objects.filter(pk=notification.pk).update(
        email_due_at=notification.email_due_at - by
    )
    notification.refresh_from_db()


def sent_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db
def test_a_notification_writes_the_email_it_owes_with_it():
    member = MemberFactory(user__email="ana@example.org")

    notification = owed_without_its_task(member)

    assert notification.email_status == Status.OWED
    assert notification.email_attempts == 0
    assert notification.email_due_at <= timezone.now()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sweep_sends_an_owed_email_whose_task_never_ran():
    member = MemberFactory(user__email="ana@example.org")
    notification = owed_without_its_task(member)

    assert send_owed_emails() == 1
    assert send_owed_emails() == 0

    notification.refresh_from_db()
    assert sent_to("ana@example.org") == ["A gift from Bea"]
    assert (notification.email_status, notification.email_attempts) == (Status.SENT, 1)
    assert notification.emailed_at is not None and notification.email_due_at is None
    assert (
        mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notification.{notification.pk}@")
    )


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=f"{BACKENDS}.RefusingOnce")
def test_a_failed_send_is_tried_again_after_the_backoff_and_sent_once(
    django_capture_on_commit_callbacks,
):
    RefusingOnce.tries = 0
    member = MemberFactory(user__email="ben@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(member=member, kind="gift_received", title="A gift")
    notification.refresh_from_db()

    assert mail.outbox == []
    assert (notification.email_status, notification.email_attempts) == (Status.OWED, 1)
    assert "SMTPServerDisconnected" in notification.email_last_error
    waited = notification.email_due_at - timezone.now()
    assert MINUTE - datetime.timedelta(seconds=5) < waited <= MINUTE

    assert send_owed_emails() == 0  # not yet due: the backoff holds
    assert send_emails([notification.pk]) == 0  # nor does a replayed task jump it
    later(notification, by=MINUTE)
    assert send_owed_emails() == 1
    assert send_owed_emails() == 0

    notification.refresh_from_db()
    assert sent_to("ben@example.org") == ["A gift"]
    assert (notification.email_status, notification.email_attempts) == (Status.SENT, 2)
    assert notification.email_last_error == ""


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=f"{BACKENDS}.AlwaysRefusing", NOTIFICATION_EMAIL_MAX_ATTEMPTS=4)
def test_failures_back_off_exponentially_then_give_up_visibly():
    member = MemberFactory(user__email="cy@example.org")
    notification = owed_without_its_task(member)
    waits = []

    for _ in range(4):
        assert send_owed_emails() == 0
        notification.refresh_from_db()
        if notification.email_status != Status.OWED:
            break
        waits.append(round((notification.email_due_at - timezone.now()) / MINUTE))
        later(notification, by=notification.email_due_at - timezone.now())

    assert waits == [1, 2, 4]
    assert (notification.email_status, notification.email_attempts) == (Status.FAILED, 4)
    assert notification.email_due_at is None
    assert "SMTPRecipientsRefused" in notification.email_last_error
    assert send_owed_emails() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_staff_see_the_given_up_emails_and_owe_them_again_from_the_admin(admin_client):
    member = MemberFactory(user__email="dee@example.org")
    notification = owed_without_its_task(member)
    with override_settings(
        EMAIL_BACKEND=f"{BACKENDS}.AlwaysRefusing", NOTIFICATION_EMAIL_MAX_ATTEMPTS=1
    ):
        send_owed_emails()

    listed = admin_client.get("/admin/notifications/notification/?email_status__exact=failed")
    again = admin_client.post(
        "/admin/notifications/notification/",
        {"action": "send_again", "_selected_action": [notification.pk]},
        follow=True,
    )

    assert listed.status_code == 200 and "A gift from Bea" in listed.content.decode()
    assert "1 email is owed again" in again.content.decode()
    assert send_owed_emails() == 1
    assert sent_to("dee@example.org") == ["A gift from Bea"]


@pytest.mark.django_db
@override_settings(NOTIFICATION_EMAIL_LEASE=datetime.timedelta(minutes=5))
def test_an_email_whose_sender_died_mid_send_waits_out_the_lease_then_goes_once():
    member = MemberFactory(user__email="eve@example.org")
    notification = owed_without_its_task(member)

    with override_settings(EMAIL_BACKEND=f"{BACKENDS}.DyingMidSend"), pytest.raises(WorkerKilled):
        send_owed_emails()
    notification.refresh_from_db()

    assert (notification.email_status, notification.email_attempts) == (Status.OWED, 1)
    assert send_owed_emails() == 0  # the dead sender's lease still holds it
    later(notification, by=datetime.timedelta(minutes=5))
    assert send_owed_emails() == 1
    assert send_owed_emails() == 0
    assert sent_to("eve@example.org") == ["A gift from Bea"]


@pytest.mark.django_db
@override_settings(NOTIFICATION_EMAIL_MAX_ATTEMPTS=3, NOTIFICATION_EMAIL_LEASE=MINUTE)
def test_an_email_that_kills_every_sender_is_given_up_on_after_the_attempts():
    member = MemberFactory(user__email="eve@example.org")
    notification = owed_without_its_task(member)

    with override_settings(EMAIL_BACKEND=f"{BACKENDS}.DyingMidSend"):
        for _ in range(3):
            with pytest.raises(WorkerKilled):
                send_owed_emails()
            later(notification, by=MINUTE)
    swept = send_owed_emails()
    notification.refresh_from_db()

    assert swept == 0
    assert (notification.email_status, notification.email_attempts) == (Status.FAILED, 4)
    assert notification.email_last_error == "No sender came back from the last tries."
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_email_is_owed_to_a_member_who_opted_out_or_has_no_address(
    django_capture_on_commit_callbacks,
):
    opted_out = MemberFactory(user__email="fay@example.org")
    email_preferences_set(member=opted_out, kinds={"credits_expiring"})
    no_address = MemberFactory(user__email="")
    wants_it = MemberFactory(user__email="gus@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        notifications = notify_many(
            messages=[
                Message(member, "gift_received", f"For {member.pk}")
                for member in (opted_out, no_address, wants_it)
            ]
        )
    swept = send_owed_emails()

    statuses = dict(
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list(
            "member_id", "email_status"
        )
    )
    assert statuses == {
        opted_out.pk: Status.NOT_OWED,
        no_address.pk: Status.NOT_OWED,
        wants_it.pk: Status.SENT,
    }
    assert swept == 0
    assert [m.to for m in mail.outbox] == [["gus@example.org"]]


@pytest.mark.django_db
def test_an_address_removed_before_the_send_cancels_the_email():
    member = MemberFactory(user__email="hal@example.org")
    notification = owed_without_its_task(member)
    member.user.email = ""
    member.user.save(update_fields=["email"])

    assert send_owed_emails() == 0

    notification.refresh_from_db()
    assert notification.email_status == Status.NOT_OWED and mail.outbox == []


@pytest.mark.django_db
def test_setup_schedules_creates_the_sweep_once():
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115

    sweep = Schedule.objects.get(func="timecredits.notifications.tasks.send_owed_emails")
    assert (sweep.schedule_type, sweep.minutes) == (Schedule.MINUTES, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=f"{BACKENDS}.Slow")
def test_senders_racing_for_the_same_emails_send_each_once():
    members = [MemberFactory(user__email=f"m{i}@example.org") for i in range(6)]
    # Written as notify_many writes them, without the after-commit task that would send them
    # at once outside a transaction.
    notifications = Notification.objects.bulk_create(
        Notification(
            member=m,
            kind="gift_received",
            title=f"For {m.pk}",
            email_status=Status.OWED,
            email_due_at=timezone.now(),
        )
        for m in members
    )
    ids = [n.pk for n in notifications]
    start = threading.Barrier(4, timeout=60)
    counts, lock = [], threading.Lock()

    def sender(task):
        start.wait()
        try:
            count = task()
        finally:
            connection.close()
        with lock:
            counts.append(count)

    threads = [
        threading.Thread(target=sender, args=(send_owed_emails,)),
        threading.Thread(target=sender, args=(send_owed_emails,)),
        threading.Thread(target=sender, args=(lambda: emails_send(notification_ids=ids),)),
        threading.Thread(target=sender, args=(lambda: send_emails(list(reversed(ids))),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members)
    assert set(
        Notification.objects.filter(pk__in=ids).values_list("email_status", "email_attempts")
    ) == {(Status.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_after_commit_does_not_fail_the_caller_and_the_sweep_sends_it(monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("connection to the broker refused")

    # django-q2's queue is the edge here: it refuses the task after the caller has committed.
    monkeypatch.setattr(services, "async_task", broker_down)
    member = MemberFactory(user__email="ivy@example.org")

    with transaction.atomic():
        notification = notify(member=member, kind="gift_received", title="A gift")

    assert Notification.objects.get(pk=notification.pk).email_status == Status.OWED
    assert send_owed_emails() == 1
    assert sent_to("ivy@example.org") == ["A gift"]
