"""Offers and redemptions: what partner venues accept credits for, and each use of them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _


class Offer(models.Model):
    """What a venue gives for credits, when, to whom and how often."""

    class Category(models.TextChoices):
        LEISURE = "leisure", _("Leisure and sport")
        CULTURE = "culture", _("Culture")
        LEARNING = "learning", _("Learning")
        FOOD = "food", _("Food and drink")
        HEALTH = "health", _("Health and wellbeing")
        OTHER = "other", _("Other")

    class Period(models.TextChoices):
        DAY = "day", _("per day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")

    # Days of the week as bits, Monday = 1, Tuesday = 2, ... Sunday = 64; 127 is every day.
    EVERY_DAY = 127
    # The most characters a description takes: a few paragraphs, what a phone shows usefully.
    DESCRIPTION_LIMIT = 2000

    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("venue"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost_minutes = models.PositiveIntegerField(
        _("cost in minutes"), help_text=_("60 minutes is one credit.")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    days_of_week = models.PositiveSmallIntegerField(_("days of the week"), default=EVERY_DAY)
    opens_at = models.TimeField(_("available from"), null=True, blank=True)
    closes_at = models.TimeField(_("available until"), null=True, blank=True)
    valid_from = models.DateField(_("first day"), null=True, blank=True)
    valid_until = models.DateField(_("last day"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    capacity_period = models.CharField(
        _("places per"), max_length=8, choices=Period.choices, blank=True
    )
    member_limit = models.PositiveIntegerField(_("uses per member"), null=True, blank=True)
    member_limit_period = models.CharField(
        _("uses per member per"), max_length=8, choices=Period.choices, blank=True
    )
    accessibility = models.TextField(_("accessibility"), blank=True)
    programmes = models.ManyToManyField(
        "programmes.Programme",
        related_name="offers",
        blank=True,
        help_text=_("Members of these programmes may use the offer."),
    )
    photo = models.ImageField(_("photo"), upload_to="offers/", blank=True)
    active = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The tables kept their names when offers and redemptions moved out of partners.
        db_table = "partners_offer"
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["active", "category"], name="partners_offer_browse")]
        constraints = [
            models.CheckConstraint(condition=Q(cost_minutes__gt=0), name="offer_cost_positive"),
            models.CheckConstraint(
                condition=Q(days_of_week__gte=1, days_of_week__lte=127),
                name="offer_days_of_week_valid",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False, opens_at__lt=F("closes_at")),
                name="offer_opening_times_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="offer_valid_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True, capacity_period="")
                | Q(capacity__gt=0, capacity_period__in=["day", "week"]),
                name="offer_capacity_has_period",
            ),
            models.CheckConstraint(
                condition=Q(member_limit__isnull=True, member_limit_period="")
                | Q(member_limit__gt=0, member_limit_period__in=["day", "week", "month"]),
                name="offer_member_limit_has_period",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.organisation}"

    def open_on(self, weekday: int) -> bool:
        """weekday as date.weekday(): Monday is 0."""
        return bool(self.days_of_week & (1 << weekday))

    @property
    def weekdays(self) -> list[int]:
        return [day for day in range(7) if self.open_on(day)]

    @property
    def weekday_names(self) -> list[str]:
        """The days it is on, named in the reader's language: Monday, Wednesday."""
        return [str(WEEKDAYS[day]) for day in self.weekdays]


class Redemption(models.Model):
    """A member's use of an offer: credits held, then completed by the venue, or released."""

    class Status(models.TextChoices):
        HELD = "held", _("Waiting for the venue")
        COMPLETED = "completed", _("Used")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Method(models.TextChoices):
        CODE = "code", _("Member's code")
        PASS = "pass", _("Member's pass scanned by the venue")

    # Counted against an offer's capacity and a member's limit.
    COUNTED = (Status.HELD, Status.COMPLETED)

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="redemptions")
    # Denormalised from the offer so a venue's codes and days are one index away.
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="redemptions"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="redemptions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.CODE)
    code = models.CharField(max_length=6)
    cost_minutes = models.PositiveIntegerField(help_text=_("What the offer cost when redeemed."))
    hold = models.OneToOneField(
        "ledger.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemption",
        help_text=_("The ledger hold that reserves the credits."),
    )
    # The key the member's phone (or the venue's till, for a pass) sent; namespaced by who sent it.
    idempotency_key = models.CharField(max_length=250, unique=True)
    completion_key = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "partners_redemption"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["offer", "created_at"], name="partners_redemption_offer_day"),
            models.Index(fields=["member", "created_at"], name="partners_redemption_member"),
            models.Index(fields=["organisation", "code"], name="partners_redemption_code"),
            models.Index(
                fields=["expires_at"], condition=Q(status="held"), name="partners_redemption_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="held"), name="redemption_live_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(cost_minutes__gt=0), name="redemption_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | (~Q(status="completed") & Q(completed_at__isnull=True)),
                name="redemption_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="redemption_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="redemption_expires_after"
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.offer.title} · {self.get_status_display()}"
