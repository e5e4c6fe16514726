"""Organisations: community groups that give credits, venues that accept them, and their staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", _("Community group")
        VENUE = "venue", _("Venue")
        BOTH = "both", _("Community group and venue")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    area = models.CharField(_("area"), max_length=200, blank=True)
    programmes = models.ManyToManyField(
        "programmes.Programme", related_name="organisations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        ORG_ADMIN = "org_admin", _("Organisation admin")
        COORDINATOR = "coordinator", _("Coordinator")
        VENUE_STAFF = "venue_staff", _("Venue staff")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="staff_role_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
