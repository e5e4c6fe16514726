"""What the credits app keeps beside the ledger: the expiry warnings members have been sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpiryWarning(models.Model):
    """A member was told their credits will expire. One per period of inactivity: the period is
    named by the member's last activity, so a new transfer starts a new period (and a new
    warning), and the daily job warns once about each, again only when what it said no longer
    holds (`credits.services.expiry`)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="expiry_warnings"
    )
    last_activity_at = models.DateTimeField(_("last activity"))
    expires_at = models.DateTimeField(_("credits expire at"))
    minutes = models.BigIntegerField(_("minutes at risk when warned"))
    warned_at = models.DateTimeField(_("warned at"))

    class Meta:
        ordering = ["-warned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "last_activity_at"], name="credits_expiry_warning_once"
            )
        ]

    def __str__(self):
        return f"{self.member}: credits expire {self.expires_at:%Y-%m-%d}"
