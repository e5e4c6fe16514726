"""Activities (what is done), sessions (when and where) and contributions (time a member gave)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    class Type(models.TextChoices):
        FORMAL_VOLUNTEERING = "formal_volunteering", _("Formal volunteering")
        INFORMAL_HELP = "informal_help", _("Informal help")
        PEER_SUPPORT = "peer_support", _("Peer support")
        BEFRIENDING = "befriending", _("Befriending")
        COMMUNITY_ORGANISING = "community_organising", _("Community organising")
        CO_PRODUCTION = "co_production", _("Co-production")
        MUTUAL_AID = "mutual_aid", _("Mutual aid")

    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="activities"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    category = models.CharField(_("category"), max_length=100, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title


class Session(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.activity} · {self.starts_at:%Y-%m-%d %H:%M}"


class Contribution(models.Model):
    class Status(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        PENDING = "pending", _("Pending verification")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="contributions"
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="contributions")
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKED_IN)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "session"], name="one_contribution_per_member_session"
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.session} · {self.minutes} min"
