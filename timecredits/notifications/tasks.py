"""Sending notification emails, run by django-q2; safe to run twice (each is sent once)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


def send_emails(notification_ids: list[int]) -> int:
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .select_related("member__user")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            email = notification.member.user.email if notification else ""
            if not email:
                continue
            body = notification.body
            if notification.url:
                body = f"{body}\n\n{settings.SITE_URL}{notification.url}".strip()
            send_mail(notification.title, body, None, [email])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
