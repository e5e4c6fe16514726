"""Offers in the admin, and redemptions read-only."""

from django.contrib import admin

from timecredits.admin import ReadOnlyAdmin

from .models import Offer, Redemption


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "category", "cost_minutes", "active"]
    list_filter = ["category", "active"]
    search_fields = ["title", "organisation__name"]
    filter_horizontal = ["programmes"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    """Read-only: a redemption changes only through its services, with the ledger."""

    list_display = ["code", "offer", "member", "status", "created_at", "completed_at"]
    list_filter = ["status", "method"]
    search_fields = ["code", "member__code", "offer__title"]
    raw_id_fields = ["offer", "organisation", "member", "hold", "completed_by"]
