"""Activities (what is done), sessions (when and where), contributions (time a member gave at a
session) and the audit trail of every step a contribution takes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    class Type(models.TextChoices):
        """The typology of social action: how people give their time."""

        FORMAL_VOLUNTEERING = "formal_volunteering", _("Formal volunteering")
        INFORMAL_HELP = "informal_help", _("Informal help")
        PEER_SUPPORT = "peer_support", _("Peer support")
        BEFRIENDING = "befriending", _("Befriending")
        MENTORING = "mentoring", _("Mentoring")
        COMMUNITY_ORGANISING = "community_organising", _("Community organising")
        CO_PRODUCTION = "co_production", _("Co-production")
        CIVIC_PARTICIPATION = "civic_participation", _("Civic participation")
        MUTUAL_AID = "mutual_aid", _("Mutual aid")

    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="activities"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    category = models.CharField(_("category"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title


class Session(models.Model):
    class CreditRule(models.TextChoices):
        PER_HOUR = "per_hour", _("By the time given (programme policy)")
        FIXED = "fixed", _("A fixed amount per session")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    radius_m = models.PositiveIntegerField(
        _("check-in radius (metres)"),
        null=True,
        blank=True,
        help_text=_("Check-ins further away are flagged for review, not refused."),
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    credit_rule = models.CharField(
        max_length=10, choices=CreditRule.choices, default=CreditRule.PER_HOUR
    )
    fixed_minutes = models.PositiveIntegerField(_("fixed minutes earned"), null=True, blank=True)
    series = models.UUIDField(
        null=True, blank=True, db_index=True, help_text=_("Sessions generated together.")
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # How often it has been cancelled or put back: its calendar event's SEQUENCE, which must only
    # grow for a phone's calendar to take the newer version.
    # The database's own default too: the benchmark's loaders write sessions in raw SQL.
    changes = models.PositiveIntegerField(db_default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["activity", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(credit_rule="fixed") | models.Q(fixed_minutes__gt=0),
                name="session_fixed_rule_has_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Contribution(models.Model):
    class Status(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        PENDING = "pending", _("Waiting for verification")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Method(models.TextChoices):
        POSTER = "poster", _("Scanned a poster")
        KIOSK = "kiosk", _("Scanned at the door")
        PASS = "pass", _("Pass scanned by a coordinator")
        MANUAL = "manual", _("Added by a coordinator")
        CLAIM = "claim", _("Claimed afterwards")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="contributions"
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="contributions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKED_IN)
    method = models.CharField(max_length=8, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    auto_checked_out = models.BooleanField(default=False)
    outside_geofence = models.BooleanField(default=False)
    over_capacity = models.BooleanField(
        default=False, help_text=_("Checked in when the session was already full.")
    )
    capped = models.BooleanField(default=False, help_text=_("Reduced by the daily cap."))
    synced_late = models.BooleanField(
        default=False,
        help_text=_("Scanned offline: it reached the server more than two minutes after the scan."),
    )
    clock_disagreed = models.BooleanField(
        db_default=False,
        help_text=_(
            "Scanned offline by a phone whose clock disagreed with the code it scanned: recorded "
            "at the time the code was shown."
        ),
    )
    checkin_key = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The Idempotency-Key the scanning phone sent, so a replay finds this row."),
    )
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_in_at"]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["member", "checked_in_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "session"], name="one_contribution_per_member_session"
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="checked_in"),
                name="one_open_checkin_per_member",
            ),
            models.UniqueConstraint(
                fields=["member", "checkin_key"],
                condition=~models.Q(checkin_key=""),
                name="one_contribution_per_checkin_key",
            ),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="contribution_out_after_in",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.session} · {self.minutes} min"


class ContributionEvent(models.Model):
    """The audit trail: who did what to a contribution, when, and what changed."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    minutes_before = models.PositiveIntegerField(null=True, blank=True)
    minutes_after = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"
