"""Sending notification emails, run by django-q2; safe to run twice, or at once (see outbox.py)."""

from .outbox import emails_send, owed_emails_send


def send_emails(notification_ids: list[int]) -> int:
    """Queued after a notification commits, so its email goes at once."""
    return emails_send(notification_ids=notification_ids)


def send_owed_emails() -> int:
    """The sweep: whatever is still owed and due, whatever became of its first task."""
    return owed_emails_send()
