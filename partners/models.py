"""Organisations: community groups that give credits, venues that accept them, and their staff."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", _("Community group")
        VENUE = "venue", _("Venue")
        BOTH = "both", _("Community group and venue")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    auto_approve_checkins = models.BooleanField(
        _("approve QR check-ins inside the session window automatically"), default=False
    )
    programmes = models.ManyToManyField(
        "programmes.Programme",
        through="Participation",
        related_name="organisations",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def gives_credits(self) -> bool:
        return self.kind in (self.Kind.GROUP, self.Kind.BOTH)

    @property
    def accepts_credits(self) -> bool:
        return self.kind in (self.Kind.VENUE, self.Kind.BOTH)

    @property
    def staff_roles(self) -> list[str]:
        """The roles its staff can hold: coordinators run a group's sessions, venue staff a
        venue's till, and an admin does either."""
        Role = StaffMembership.Role
        return [
            Role.ORG_ADMIN,
            *([Role.COORDINATOR] if self.gives_credits else []),
            *([Role.VENUE_STAFF] if self.accepts_credits else []),
        ]


class Participation(models.Model):
    """An organisation's place in a programme, which the programme's admins approve."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="participation_once_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.organisation} in {self.programme}: {self.get_status_display()}"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="staff_role_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Invitation(models.Model):
    """An email invitation to join an organisation's staff; accepted once through a signed link."""

    # How long a link works after it is sent.
    LINK_LIFETIME = datetime.timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=StaffMembership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When its link was last sent: the link works for two weeks from then.
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An admin withdrew it before it was accepted: its link no longer works.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # When the mail server took its email for the latest sending (before that, or after a
    # failure, the sweep in partners.tasks tries again), and what the email is written with:
    # the site's address and the inviter's language, which the worker has no request to read.
    emailed_at = models.DateTimeField(null=True, blank=True)
    site_url = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        # Not the address: it is a person's contact detail, and this shows in the admin.
        return f"Invitation to be {self.get_role_display()} of {self.organisation}"

    @property
    def link_expires_at(self) -> datetime.datetime:
        return self.sent_at + self.LINK_LIFETIME

    # How long its email may take (its task waits for a worker) before the sweep sends it again.
    EMAIL_WAIT = datetime.timedelta(minutes=5)

    @property
    def emailed(self) -> bool:
        """Whether the latest sending's email reached the mail server."""
        return self.emailed_at is not None and self.emailed_at >= self.sent_at

    @property
    def emailing(self) -> bool:
        """Whether its email is still on its way, as it is for a few moments after sending."""
        return not self.emailed and self.sent_at > timezone.now() - self.EMAIL_WAIT

    @property
    def link_expired(self) -> bool:
        return self.link_expires_at <= timezone.now()
