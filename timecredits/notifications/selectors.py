"""Reads: a member's notifications, how many are unread, and which emails they get."""

from .models import EmailOptOut, Notification


def member_notifications(*, member, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(member=member)[:limit])


def unread_count(*, member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def emailed_kinds(*, member) -> set[str]:
    opted_out = set(EmailOptOut.objects.filter(member=member).values_list("kind", flat=True))
    return set(Notification.Kind.values) - opted_out


# --- credits: the kinds of notification other apps send ---

NotificationKind = Notification.Kind
