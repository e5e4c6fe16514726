"""What a member is told (in the app, and by email unless they opted out of that kind).

A notification also remembers the email it owes: whether one is owed, sent or given up on, how
many tries it took and when the next may start (see outbox.py for how it is paid).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        CREDITS_EARNED = "credits_earned", _("Credits earned")
        REDEMPTION_CONFIRMED = "redemption_confirmed", _("Bookings confirmed")
        GIFT_RECEIVED = "gift_received", _("Gifts received")
        CREDITS_EXPIRING = "credits_expiring", _("Credits about to expire")

    class EmailStatus(models.TextChoices):
        NOT_OWED = "not_owed", _("Not owed (opted out or no address)")
        OWED = "owed", _("Owed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up after repeated failures")

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    site_url = models.CharField(
        max_length=200,
        blank=True,
        help_text="The site's address when this was written (the request's, or SITE_URL): the "
        "emailed link starts with it when SITE_URL is not set.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.NOT_OWED
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # While owed: when the next try may start; a claimed try pushes it a lease ahead.
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "read_at"], name="notification_member_unread"),
            models.Index(
                fields=["email_due_at"],
                condition=Q(email_status="owed"),
                name="notification_email_owed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email_status="owed") | Q(email_due_at__isnull=False),
                name="notification_owed_email_has_due_time",
            ),
            models.CheckConstraint(
                condition=~Q(email_status="sent") | Q(emailed_at__isnull=False),
                name="notification_sent_email_has_time",
            ),
        ]

    def __str__(self):
        return self.title


class EmailOptOut(models.Model):
    """A kind of email the member chose not to get; every kind is on until they say so."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=32, choices=Notification.Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="email_opt_out_once_per_kind")
        ]

    def __str__(self):
        return f"{self.member}: no {self.kind} emails"
