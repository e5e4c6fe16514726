"""Programmes: the scope a commissioner funds, and who runs or oversees each one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    # Credit policy. The ledger counts minutes; these say how time given becomes minutes earned.
    minutes_per_credit = models.PositiveSmallIntegerField(
        _("minutes of time per credit"), default=60
    )
    rounding_minutes = models.PositiveSmallIntegerField(
        _("round time given to"),
        choices=[
            (1, _("the minute")),
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (60, _("the hour")),
        ],
        default=15,
    )
    daily_cap_minutes = models.PositiveIntegerField(
        _("most minutes a member can earn in a day"), null=True, blank=True, default=8 * 60
    )
    expiry_months = models.PositiveSmallIntegerField(
        _("credits expire after this many months without activity"), null=True, blank=True
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown in reports"), default=5
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_per_credit__gt=0),
                name="programme_minutes_per_credit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(rounding_minutes__in=[1, 15, 30, 60]),
                name="programme_rounding_known",
            ),
            models.CheckConstraint(
                condition=models.Q(report_threshold__gte=2),
                name="programme_report_threshold_at_least_2",
            ),
        ]

    def __str__(self):
        return self.name


class ProgrammeRole(models.Model):
    class Role(models.TextChoices):
        ADMIN = "programme_admin", _("Programme admin")
        COMMISSIONER = "commissioner", _("Commissioner")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_roles"
    )
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"], name="programme_role_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.programme}"


class PopulationFigure(models.Model):
    """How many people live in one area (and age band), imported by the programme from a CSV,
    so reports can show reach: members against the population they come from."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="population")
    area = models.CharField(_("area (postcode district)"), max_length=8)
    age_band = models.CharField(
        _("age band"), max_length=20, blank=True, help_text=_("Blank: all ages.")
    )
    population = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "area", "age_band"], name="population_once_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(population__gt=0), name="population_positive"
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.age_band or 'all ages'}: {self.population}"
