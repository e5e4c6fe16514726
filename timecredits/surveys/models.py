"""Outcome surveys: instruments and their questions, what each programme asks and when, the
outcomes and indicators it values, and members' answers by wave."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

BASELINE = 0  # The wave answered at joining; a follow-up wave is its number of months after.


class Instrument(models.Model):
    """A set of questions: built in (defined in instruments.py, shared) or a programme's own."""

    key = models.SlugField(_("key"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    preamble = models.TextField(_("what the member reads first"), blank=True)
    copyright = models.TextField(_("copyright line"), blank=True)
    built_in = models.BooleanField(default=False)
    requires_registration = models.BooleanField(
        default=False, help_text=_("Only a programme that has registered to use it may ask it.")
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_instruments",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(built_in=True), name="instrument_builtin_key"
            ),
            models.CheckConstraint(
                condition=models.Q(built_in=True, programme__isnull=True)
                | models.Q(built_in=False, programme__isnull=False),
                name="instrument_builtin_or_programme",
            ),
        ]

    def __str__(self):
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("question"))
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Scale and number: the inclusive range. Scale: labels for the ends, or one for every point.
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    min_label = models.CharField(max_length=100, blank=True)
    max_label = models.CharField(max_length=100, blank=True)
    point_labels = models.JSONField(default=list, blank=True)
    # Choice: [[value, label], ...].
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["instrument_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="question_key_once"),
            models.CheckConstraint(
                condition=~models.Q(kind="scale")
                | models.Q(
                    min_value__isnull=False,
                    max_value__isnull=False,
                    max_value__gt=models.F("min_value"),
                ),
                name="question_scale_has_range",
            ),
        ]

    def __str__(self):
        return self.text


class SurveySchedule(models.Model):
    """What a programme asks and when: a baseline at joining, and follow-ups after N months."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="survey_schedule"
    )
    instruments = models.ManyToManyField(Instrument, blank=True, related_name="schedules")
    follow_up_months = models.JSONField(default=list, blank=True)
    # SWEMWBS may be asked only once the programme has confirmed it registered to use it.
    swemwbs_registered = models.BooleanField(default=False)
    swemwbs_registered_on = models.DateField(null=True, blank=True)
    swemwbs_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    swemwbs_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(swemwbs_registered=False)
                | models.Q(
                    swemwbs_registered_on__isnull=False,
                    swemwbs_confirmed_by__isnull=False,
                    swemwbs_confirmed_at__isnull=False,
                ),
                name="survey_schedule_swemwbs_confirmation_complete",
            ),
        ]

    def __str__(self):
        return f"Surveys for {self.programme}"


class Outcome(models.Model):
    """A change the programme values, such as feeling less lonely."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="outcomes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="outcome_name_once"),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """A sign that an outcome is happening, measured by one or more questions."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    questions = models.ManyToManyField(Question, related_name="indicators")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "name"], name="indicator_name_once"),
        ]

    def __str__(self):
        return self.name


class Response(models.Model):
    """One member's answer to one question in one wave (0 = baseline, N = months after joining)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="survey_responses"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    wave = models.PositiveSmallIntegerField()
    value = models.CharField(max_length=200)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["member_id", "wave", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "question", "wave"], name="response_once_per_wave"
            ),
        ]
        indexes = [models.Index(fields=["question", "wave"], name="response_question_wave")]

    def __str__(self):
        return f"{self.member} · {self.question.key} · wave {self.wave}"
