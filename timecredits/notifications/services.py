"""Telling members things: a notification in the app at once, and an email after commit.

Callers notify inside their own transaction; the emails owed are written with the notifications
and sent only once it commits, so a rolled-back approval never sends "you earned credits".
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from timecredits.db import claim
from timecredits.errors import Invalid
from timecredits.language import language_of
from timecredits.members.selectors import members_with_email
from timecredits.site import site_url

from .models import EmailOptOut, Notification


@dataclass(frozen=True)
class Message:
    member: object
    kind: str
    title: str
    body: str = ""
    url: str = ""


_EMAILING = ContextVar("notifications_emailing", default=True)


@contextmanager
def without_email():
    """Notify without owing any email, for history loaded as it happened (the demo's months):
    its notices show in the app, but nobody is emailed now about what happened then."""
    token = _EMAILING.set(False)
    try:
        yield
    finally:
        _EMAILING.reset(token)


def in_language_of(member):
    """Write a notification (and so its email) inside this, in the member's own language:
    the page or task that notifies may be in another's (a coordinator's) or in none (a worker)."""
    return translation.override(language_of(member.user))


def notify(*, member, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    (notification,) = notify_many(messages=[Message(member, kind, title, body, url)])
    return notification


def notify_many(*, messages: list[Message]) -> list[Notification]:
    """Notify in the caller's transaction; each email owed is written with it (see outbox.py)."""
    member_ids = {m.member.pk for m in messages}
    opted_out = set(
        EmailOptOut.objects.filter(member__in=member_ids).values_list("member_id", "kind")
    )
    with_email = members_with_email(member_ids=member_ids) if _EMAILING.get() else set()
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            member=m.member,
            kind=m.kind,
            title=m.title[:200],
            body=m.body,
            url=m.url,
            site_url=site_url(),
            **(
                {"email_status": Notification.EmailStatus.OWED, "email_due_at": now}
                if m.member.pk in with_email and (m.member.pk, m.kind) not in opted_out
                else {}
            ),
        )
        for m in messages
    )
    to_email = [n.pk for n in notifications if n.email_status == Notification.EmailStatus.OWED]
    if to_email:
        # Only for promptness. robust: if queueing fails (the broker or database just went away),
        # the caller's committed work must not answer 500; the sweep sends these instead.
        transaction.on_commit(
            lambda: async_task("timecredits.notifications.tasks.send_emails", to_email),
            robust=True,
        )
    return notifications


def email_preferences_set(*, member, kinds: set[str]) -> None:
    """Email the member about exactly these kinds; the others still show in the app."""
    unknown = kinds - set(Notification.Kind.values)
    if unknown:
        raise Invalid(
            detail=[
                {
                    "field": "kinds",
                    "message": _("Unknown: %(kinds)s") % {"kinds": ", ".join(unknown)},
                }
            ]
        )
    with transaction.atomic():
        # One change at a time per member: two at once each deleted what the other had not yet
        # written, and the second then broke the one-per-kind rule (a 500 for a double submit;
        # found by fuzzing the API).
        claim("email-preferences", str(member.pk))
        EmailOptOut.objects.filter(member=member).delete()
        EmailOptOut.objects.bulk_create(
            EmailOptOut(member=member, kind=kind)
            for kind in Notification.Kind.values
            if kind not in kinds
        )


def notifications_mark_read(*, member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
