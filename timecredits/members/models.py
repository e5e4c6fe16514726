"""Members: a volunteer's profile on Django's user."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Member(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="members"
    )
    new_to_volunteering = models.BooleanField(_("new to volunteering"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
