"""Read-only admin for the ledger: accounts, transfers and verification runs can be looked at and
searched, never added, changed or deleted here (the database would refuse most of it anyway)."""

from django.contrib import admin

from timecredits.admin import ReadOnlyAdmin

from .models import Account, Transfer, VerificationRun


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "owner", "balance", "debits_pending", "has_floor", "closed_at"]
    list_filter = ["kind", "has_floor", "programme"]
    # Owners by pseudonymous code or organisation and programme name, never by a person's name.
    search_fields = ["member__code", "organisation__name", "programme__name", "name"]
    list_select_related = ["member", "organisation", "programme"]

    @admin.display(description="owner")
    def owner(self, account):
        return account.member or account.organisation or account.programme or account.name


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "posted_at",
        "kind",
        "phase",
        "amount",
        "debit_account",
        "credit_account",
        "cause",
        "memo",
    ]
    list_filter = ["kind", "phase"]
    search_fields = [
        "=idempotency_key",
        "=kind",
        "cause_type",
        "=cause_id",
        "memo",
        "=debit_account__member__code",
        "=credit_account__member__code",
        "debit_account__organisation__name",
        "credit_account__organisation__name",
        "debit_account__programme__name",
        "credit_account__programme__name",
    ]
    list_select_related = [
        "debit_account__member",
        "debit_account__organisation",
        "debit_account__programme",
        "credit_account__member",
        "credit_account__organisation",
        "credit_account__programme",
    ]
    show_full_result_count = False


@admin.register(VerificationRun)
class VerificationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "accounts", "transfers", "ok"]

    @admin.display(boolean=True, description="clean")
    def ok(self, run):
        return run.ok
