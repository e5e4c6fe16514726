"""The email outbox: paying the email each notification owes, once, however the worker fares.

`notify_many` writes a notification OWED (due at once) in the caller's transaction, so the debt
commits with the news, and queues `send_emails` after commit for promptness. A sweep every minute
(`send_owed_emails`) pays whatever is still owed and due, so an email is still sent when its task
failed, its worker was killed, or its queueing was lost.

What holds: a try starts with a claim, one conditional UPDATE that commits on its own. It succeeds
only for an owed email that is due, counts the attempt and pushes `email_due_at` a lease ahead, so
at most one sender holds an email at a time. The sender talks to the mail server outside any
transaction (no row lock is held over the network) and records the outcome with an UPDATE fenced
on its attempt number. A failure is tried again with exponential backoff, and given up on (status
FAILED, visible and retryable in the admin) after `max_attempts`. Exactly once, except across one
window: if the process dies, or the database stays out of reach longer than the recording keeps
trying, after the mail server has accepted the message but before it is recorded, the lease runs
out and the email is sent again. That is at-least-once across the window, the most SMTP allows
(it cannot be asked "did you already take this one?"). So is a mail server that takes longer
than the send timeout (a minute) to confirm a message it then keeps: RFC 5321 allows it ten.
Every try carries the same Message-ID, so mail software that drops duplicates drops that one.

The lease must outlast a whole send: the backend's socket timeout is a fraction of it.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F
from django.utils import timezone

from timecredits.site import absolute_url
from timecredits.text import one_line

from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus


@dataclass(frozen=True)
class Policy:
    lease: datetime.timedelta
    send_timeout: float
    first_retry: datetime.timedelta
    max_retry: datetime.timedelta
    max_attempts: int
    sweep_seconds: float
    record_seconds: float


def policy() -> Policy:
    """The outbox's timings; a deployment may override any of them in its settings."""
    # A socket step waits a minute (a lease of five waited 30 s, and a mail server that took
    # 40 s to confirm a message got it three times); a send takes several steps.
    lease = getattr(settings, "NOTIFICATION_EMAIL_LEASE", datetime.timedelta(minutes=10))
    return Policy(
        lease=lease,
        send_timeout=lease.total_seconds() / 10,
        first_retry=getattr(
            settings, "NOTIFICATION_EMAIL_FIRST_RETRY", datetime.timedelta(minutes=1)
        ),
        max_retry=getattr(settings, "NOTIFICATION_EMAIL_MAX_RETRY", datetime.timedelta(hours=6)),
        max_attempts=getattr(settings, "NOTIFICATION_EMAIL_MAX_ATTEMPTS", 10),
        # A sweep stops taking new emails after this long, well inside django-q2's task timeout.
        sweep_seconds=getattr(settings, "NOTIFICATION_EMAIL_SWEEP_SECONDS", 120),
        # How long a sent email's record is retried through a database outage.
        record_seconds=getattr(settings, "NOTIFICATION_EMAIL_RECORD_SECONDS", 60),
    )


def retry_delay(*, attempt: int, rules: Policy) -> datetime.timedelta:
    """1, 2, 4, 8... times the first delay after the 1st, 2nd, 3rd... failure, up to a cap."""
    return min(rules.first_retry * 2 ** (attempt - 1), rules.max_retry)


def emails_send(*, notification_ids: list[int]) -> int:
    """Try each of these notifications' owed emails that is due; return how many went."""
    rules = policy()
    return sum(_deliver(notification_id, rules) for notification_id in notification_ids)


def owed_emails_send(*, limit: int = 500) -> int:
    """The sweep: send what is owed and due, oldest first, for at most `sweep_seconds`."""
    rules = policy()
    deadline = time.monotonic() + rules.sweep_seconds
    due = (
        Notification.objects.filter(email_status=Status.OWED, email_due_at__lte=timezone.now())
        .order_by("email_due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for notification_id in list(due):
        if time.monotonic() > deadline:
            break
        sent += _deliver(notification_id, rules)
    return sent


def emails_retry(*, notification_ids: list[int]) -> int:
    """Owe again the emails given up on (from the admin, once the cause is fixed)."""
    return Notification.objects.filter(pk__in=notification_ids, email_status=Status.FAILED).update(
        email_status=Status.OWED, email_attempts=0, email_due_at=timezone.now()
    )


def _deliver(notification_id: int, rules: Policy) -> bool:
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=Status.OWED, email_due_at__lte=now
    ).update(email_attempts=F("email_attempts") + 1, email_due_at=now + rules.lease)
    if not claimed:
        return False  # sent, not owed, not yet due, or another sender holds it
    notification = Notification.objects.select_related("member__user").get(pk=notification_id)
    mine = Notification.objects.filter(
        pk=notification_id, email_status=Status.OWED, email_attempts=notification.email_attempts
    )
    if notification.email_attempts > rules.max_attempts:
        # Every try so far died before it could record how it went (each claim counts one): an
        # email that kills its sender is given up on like one the server keeps refusing.
        reason = "No sender came back from the last tries."
        logger.error("Gave up emailing notification %s: %s", notification.pk, reason)
        mine.update(email_status=Status.FAILED, email_due_at=None, email_last_error=reason)
        return False
    address = notification.member.user.email
    if not address:
        # The member removed their address since: there is nowhere to send it.
        mine.update(email_status=Status.NOT_OWED, email_due_at=None)
        return False
    try:
        _message(notification, address, rules).send()
    except Exception as error:
        _record_failure(mine, notification, error, rules)
        return False
    _record(
        lambda: mine.update(
            email_status=Status.SENT,
            emailed_at=timezone.now(),
            email_due_at=None,
            email_last_error="",
        ),
        rules,
    )
    return True


def _message(notification: Notification, address: str, rules: Policy) -> EmailMessage:
    body = notification.body
    base = settings.SITE_URL or notification.site_url
    if notification.url and base:  # without an address the link could not be followed
        body = f"{body}\n\n{absolute_url(notification.url, base=base)}".strip()
    return EmailMessage(
        subject=one_line(notification.title),  # a header, which a line break would break
        body=body,
        to=[address],
        headers={"Message-ID": f"<notification.{notification.pk}@{DNS_NAME}>"},
        connection=get_connection(timeout=rules.send_timeout),
    )


def _record_failure(mine, notification: Notification, error: Exception, rules: Policy) -> None:
    attempt = notification.email_attempts
    reason = f"{type(error).__name__}: {error}"[:2000]
    if attempt >= rules.max_attempts:
        logger.error("Gave up emailing notification %s: %s", notification.pk, reason)
        mine.update(email_status=Status.FAILED, email_due_at=None, email_last_error=reason)
        return
    delay = retry_delay(attempt=attempt, rules=rules)
    logger.warning(
        "Emailing notification %s failed (%s); next in %s", notification.pk, reason, delay
    )
    mine.update(email_due_at=timezone.now() + delay, email_last_error=reason)


def _record(update, rules: Policy) -> None:
    """Run an UPDATE, reconnecting through a database outage for a while: the email has gone, and
    every second it stays unrecorded is a second in which a crash would send it twice."""
    deadline = time.monotonic() + rules.record_seconds
    pause = 0.1
    while True:
        try:
            update()
            return
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Recording a sent email failed (%s); trying again", error)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
