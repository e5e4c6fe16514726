"""Accounts and transfers: the double-entry ledger's data and the constraints the database keeps.

A transfer moves a positive whole number of minutes (60 = one credit) from one debit account to
one credit account, so every posting balances by construction (TigerBeetle's model). Transfers
are append-only; the account totals change only as a consequence of inserting one. The triggers
that make that so live in `guarantees.py`, installed by migration.

Every account's balance is `credits_posted - debits_posted`: positive on a member's account when
they hold credits, negative on an issuance account by what it has issued. Holds (pending
transfers) count against the floor until they are posted, voided or time out.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .kinds import AccountKind, TransferKind, TransferPhase


class Account(models.Model):
    Kind = AccountKind

    # Which owner each kind has; the database checks it (see Meta.constraints).
    OWNER_BY_KIND = {
        Kind.MEMBER: "member",
        Kind.ORGANISATION: "organisation",
        Kind.ISSUANCE: "programme",
        Kind.POOL: "programme",
        Kind.RETIREMENT: "programme",
        Kind.EXPIRY: "programme",
        Kind.SYSTEM: None,
    }

    kind = models.CharField(max_length=16, choices=Kind.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    # Issuance is touched by every earning, so a programme has several shards of it.
    shard = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100, blank=True, help_text=_("For system accounts."))
    has_floor = models.BooleanField(
        _("cannot go below zero"),
        default=True,
        help_text=_("Members, groups and venues cannot spend what they do not hold."),
    )
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debits_pending__gte=0)
                & Q(debits_posted__gte=0)
                & Q(credits_pending__gte=0)
                & Q(credits_posted__gte=0),
                name="ledger_account_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(has_floor=False)
                | Q(credits_posted__gte=F("debits_posted") + F("debits_pending")),
                name="ledger_account_floor",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="member", member__isnull=False, organisation__isnull=True)
                    & Q(programme__isnull=True)
                )
                | (
                    Q(kind="organisation", organisation__isnull=False, member__isnull=True)
                    & Q(programme__isnull=True)
                )
                | (
                    Q(kind__in=["issuance", "pool", "retirement", "expiry"])
                    & Q(programme__isnull=False, member__isnull=True, organisation__isnull=True)
                )
                | Q(
                    kind="system",
                    member__isnull=True,
                    organisation__isnull=True,
                    programme__isnull=True,
                ),
                name="ledger_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(kind="member"), name="ledger_one_account_per_member"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind="organisation"),
                name="ledger_one_account_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["programme", "kind", "shard"],
                condition=Q(programme__isnull=False),
                name="ledger_programme_account_once_per_shard",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(kind="system"), name="ledger_system_account_name"
            ),
        ]

    def __str__(self):
        owner = self.member or self.organisation or self.programme or self.name
        suffix = f" #{self.shard}" if self.kind == self.Kind.ISSUANCE else ""
        return f"{self.get_kind_display()}{suffix}: {owner}"

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        """What can still be spent: the balance less what holds reserve."""
        return self.credits_posted - self.debits_posted - self.debits_pending


class Transfer(models.Model):
    Kind = TransferKind
    Phase = TransferPhase

    RESOLVING_PHASES = (Phase.POST, Phase.VOID, Phase.TIMEOUT)

    idempotency_key = models.CharField(max_length=200)
    # Every index costs each posting an insert, so each one here earns its place: the (account,
    # id) pairs in Meta serve statements, and the partial uniques serve holds and reversals.
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    amount = models.BigIntegerField(help_text=_("Minutes: 60 is one credit."))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.SINGLE)
    pending = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text=_("The hold this transfer posts, voids or times out."),
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("When a hold times out."))
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    cause_type = models.CharField(max_length=32, blank=True)
    cause_id = models.BigIntegerField(null=True, blank=True)
    memo = models.CharField(max_length=500, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    posted_at = models.DateTimeField(auto_now_add=True)
    # Each account's balance (credits_posted - debits_posted) once this transfer is in.
    debit_balance_after = models.BigIntegerField()
    credit_balance_after = models.BigIntegerField()
    # Posted as part of a batch: on PostgreSQL the database applies a batch's rows to the
    # accounts once per statement rather than once per row (see guarantees.py).
    batch = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["debit_account", "id"], name="ledger_transfer_debit_id"),
            models.Index(fields=["credit_account", "id"], name="ledger_transfer_credit_id"),
            # Reports sum the ledger's earnings of a period's contributions (their cause):
            # covering the kind, phase, amount and reversal answers them from the index alone.
            models.Index(
                fields=["cause_type", "cause_id"],
                include=["kind", "phase", "amount", "reverses"],
                name="ledger_transfer_cause",
            ),
            models.Index(
                fields=["expires_at"],
                condition=Q(phase="pending"),
                name="ledger_transfer_hold_expiry",
            ),
            # Reports sum a kind's postings over a period by account: covering those columns
            # lets PostgreSQL answer from the index alone, without visiting each transfer.
            models.Index(
                fields=["kind", "posted_at"],
                include=["phase", "amount", "debit_account", "credit_account", "cause_id"],
                name="ledger_transfer_kind_posted",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="ledger_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="ledger_transfer_two_accounts",
            ),
            models.CheckConstraint(
                condition=Q(phase__in=["post", "void", "timeout"], pending__isnull=False)
                | Q(phase__in=["single", "pending"], pending__isnull=True),
                name="ledger_transfer_resolves_a_hold",
            ),
            models.CheckConstraint(
                condition=Q(phase="pending", expires_at__isnull=False) | ~Q(phase="pending"),
                name="ledger_transfer_hold_expires",
            ),
            models.CheckConstraint(
                condition=Q(kind="reverse", reverses__isnull=False, phase="single")
                | (~Q(kind="reverse") & Q(reverses__isnull=True)),
                name="ledger_transfer_reversal_names_original",
            ),
            models.CheckConstraint(
                condition=Q(batch=False) | Q(phase="single", reverses__isnull=True),
                name="ledger_transfer_batch_is_single_phase",
            ),
            # A constraint rather than unique=True, which would add a second index for LIKE
            # queries that nothing makes, and every posting would pay for it.
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_transfer_idempotency_key_once"
            ),
            # A hold resolves once and a transfer is reversed at most once.
            models.UniqueConstraint(
                fields=["pending"],
                condition=Q(pending__isnull=False),
                name="ledger_hold_resolved_once",
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_reversed_once",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.amount} min"

    @property
    def cause(self) -> str:
        return f"{self.cause_type}:{self.cause_id}" if self.cause_type else ""


class MonthEnd(models.Model):
    """A month's end (local midnight on the 1st of the next) at which every account's posted
    balance is kept, in `MonthEndBalance`, by the worker (`services.month_ends_keep`).

    Transfers are append-only and stamped when posted, so once a month has been over for a day
    its closing balances never change: a balance at a past moment is then read from the nearest
    month end and the few weeks between, not summed from every transfer since."""

    at = models.DateTimeField(unique=True)
    kept_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"Balances at {self.at:%Y-%m-%d %H:%M}"


class MonthEndBalance(models.Model):
    """One account's posted balance at a month end; accounts with none there have no row."""

    month_end = models.ForeignKey(
        MonthEnd, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    balance = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month_end", "account"], name="ledger_month_end_balance_once"
            )
        ]

    def __str__(self):
        return f"{self.balance} min on account {self.account_id} at month end {self.month_end_id}"


class VerificationRun(models.Model):
    """The outcome of one `ledger_verify`, kept so staff can see the last result in the admin."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    accounts = models.PositiveIntegerField()
    transfers = models.PositiveBigIntegerField()
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        verdict = "clean" if self.ok else f"{len(self.problems)} problem(s)"
        return f"Ledger check {self.started_at:%Y-%m-%d %H:%M}: {verdict}"

    @property
    def ok(self) -> bool:
        return not self.problems
