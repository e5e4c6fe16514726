"""What reports keep: monthly snapshots built in the background, and a programme's own proxy
values for its optional valuation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """A programme's report for one month as it was generated, with its parameters and generation
    time; one per programme and period. Once ready it never changes (see `guarantees`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="report_snapshots"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start", "-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="snapshot_progress_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready")
                | models.Q(generated_at__isnull=False, report__isnull=False),
                name="snapshot_ready_has_report",
            ),
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end"], name="snapshot_once_a_period"
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.period_start}..{self.period_end} ({self.status})"


class ProxyValue(models.Model):
    """A programme's own estimate of what one unit of output or outcome is worth, with where the
    figure comes from and how much of it the programme may claim. None are built in."""

    class Basis(models.TextChoices):
        HOUR = "hour", _("per hour given")
        OUTCOME = "outcome", _("per member who improved on an outcome")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="proxy_values"
    )
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("applies"), max_length=10, choices=Basis.choices)
    outcome = models.ForeignKey(
        "surveys.Outcome", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(_("value per unit (£)"), max_digits=10, decimal_places=2)
    source = models.TextField(_("source of the figure"))
    deadweight_percent = models.DecimalField(
        _("deadweight (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("The share that would have happened anyway."),
    )
    attribution_percent = models.DecimalField(
        _("attribution to others (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("The share owed to other people or services."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="proxy_name_once"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="proxy_value_positive"),
            models.CheckConstraint(
                condition=models.Q(deadweight_percent__gte=0, deadweight_percent__lte=100)
                & models.Q(attribution_percent__gte=0, attribution_percent__lte=100),
                name="proxy_percents_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(basis="hour", outcome__isnull=True)
                | models.Q(basis="outcome", outcome__isnull=False),
                name="proxy_outcome_iff_per_outcome",
            ),
        ]

    def __str__(self):
        return self.name


class OutputsRollup(models.Model):
    """A programme's whole-programme output figures for one period as the background worker last
    computed them, unsuppressed (disclosure control is applied when they are read); one per
    programme and period. `reports.outputs` refreshes them and serves them while fresh."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="outputs_rollups"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    computed_at = models.DateTimeField(help_text=_("When the computation started."))
    outputs = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end"],
                name="outputs_rollup_once_a_period",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.period_start}..{self.period_end} at {self.computed_at}"


def _for_reading(to: str, *, db_index: bool = False, null: bool = False) -> models.ForeignKey:
    """A fact's foreign key, for the ORM's joins only: the database checks nothing and deletes
    nothing through it (the triggers keep the facts), and it is indexed only when asked."""
    return models.ForeignKey(
        to,
        null=null,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=db_index,
        related_name="+",
    )


def _fact_of(to: str) -> models.OneToOneField:
    """A fact's key: the row it copies, read only, like `_for_reading`."""
    return models.OneToOneField(
        to, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


class ContributionFact(models.Model):
    """One contribution as the output figures read it: narrow, with its session's time and its
    activity's programme, organisation and type copied in, so a year's report reads one table
    rather than joining three, and the credits its earnings brought (net of reversals) beside it.

    Kept by database triggers (`reports.facts`) in the same transaction as whatever changed the
    contribution, its session, its activity or the ledger; never written by the ORM. The foreign
    keys are for reading only: the database does not check them, and deleting a contribution
    deletes its fact by trigger."""

    contribution = _fact_of("activities.Contribution")
    programme = _for_reading("programmes.Programme")
    organisation = _for_reading("partners.Organisation")
    session = _for_reading("activities.Session", db_index=True)
    member = _for_reading("members.Member")
    kind = models.CharField(max_length=32)  # the activity's type
    at = models.DateTimeField()  # the session's start
    # 1 or 0, so that sums count them: approved; made by QR poster, door kiosk or pass.
    approved = models.PositiveSmallIntegerField()
    check_in = models.PositiveSmallIntegerField()
    minutes = models.PositiveIntegerField()
    earned = models.IntegerField(default=0)  # ledger minutes, earnings less their reversals

    class Meta:
        indexes = [
            models.Index(fields=["programme", "at"], name="fact_programme_at"),
            # A member's own, with everything the member pass reads (covering): a report
            # narrowed by who the members are reads only theirs, in this index alone.
            models.Index(
                fields=["member", "at"],
                name="fact_member_at",
                include=[
                    "programme",
                    "approved",
                    "check_in",
                    "minutes",
                    "earned",
                    "kind",
                    "session",
                    "organisation",
                ],
            ),
            models.Index(fields=["organisation", "at"], name="fact_organisation_at"),
        ]

    def __str__(self):
        return f"contribution {self.contribution_id} at {self.at}"


class MoveFact(models.Model):
    """Credits leaving a member's account (spent, donated, expired) or coming back to it (an
    expiry reversed: `restore`), as the output figures read them: the ledger's posted transfer,
    with the member, the member's programme and, for a spend, the venue, the offer redeemed and
    the offer's category copied in.

    Kept by database triggers (`reports.facts`), like `ContributionFact`; never written by the
    ORM, and its foreign keys are not checked by the database."""

    RESTORE = "restore"

    transfer = _fact_of("ledger.Transfer")
    member = _for_reading("members.Member")
    # The member's programme now: it follows a member moved to another programme, so the whole
    # programme's moves are read without joining every member.
    programme = _for_reading("programmes.Programme", null=True)
    kind = models.CharField(max_length=8)  # spend, donate, expire or restore
    posted_at = models.DateTimeField()
    # A spend's: the venue (the account credited) and the offer its redemption is of.
    venue = _for_reading("partners.Organisation", null=True)
    offer = _for_reading("spending.Offer", null=True)
    # The offer's category as it is now: it follows the offer recategorised. NULL with no offer,
    # as `offer` is, so the two read alike.
    category = models.CharField(max_length=16, null=True)  # noqa: DJ001
    # Ledger minutes. Integers rather than the ledger's bigints: PostgreSQL sums those as
    # numeric, several times slower, and one transfer never holds 2,000 million minutes.
    amount = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["programme", "kind", "posted_at"], name="move_programme_kind_at"),
            models.Index(fields=["venue", "posted_at"], name="move_venue_at"),
            # A member's own, as their calendar (`reports.calendars`) is worked out again, and
            # covering what a report narrowed by who the members are reads of them.
            models.Index(
                fields=["member", "posted_at"],
                name="move_member_at",
                include=["programme", "kind", "amount", "venue", "category"],
            ),
            # Spending by venue and by category, each one's members in order (read alone, on
            # PostgreSQL).
            models.Index(
                fields=["programme", "venue", "member"],
                name="move_spend_venue_member",
                condition=models.Q(kind="spend"),
                include=["posted_at", "amount"],
            ),
            models.Index(
                fields=["programme", "category", "member"],
                name="move_spend_category_member",
                condition=models.Q(kind="spend"),
                include=["posted_at", "amount"],
            ),
        ]

    def __str__(self):
        return f"{self.kind} of {self.amount} by member {self.member_id} at {self.posted_at}"


class MemberStart(models.Model):
    """When a member first gave time in a programme: the session start of their first approved
    contribution there, as `ContributionFact` has it. Retention's cohort (members active in a
    period who gave no time before it) is then one join, rather than a look-up in each active
    member's contributions.

    Kept by database triggers on the facts (`reports.facts`); never written by the ORM."""

    member = _for_reading("members.Member")
    programme = _for_reading("programmes.Programme")
    # Empty only inside the trigger that works it out, which removes the row if it stays so.
    first_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "programme"], name="member_start_once")
        ]

    def __str__(self):
        return f"member {self.member_id} first gave time at {self.first_at}"
