from django.contrib import admin

from .models import Invitation, Offer, Organisation, Participation, Redemption, StaffMembership


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    readonly_fields = ["requested_at", "decided_at", "decided_by"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind", "participation__status"]
    search_fields = ["name", "area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParticipationInline, StaffMembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "category", "cost_minutes", "active"]
    list_filter = ["category", "active"]
    search_fields = ["title", "organisation__name"]
    filter_horizontal = ["programmes"]


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    """Read-only: a redemption changes only through its services, with the ledger."""

    list_display = ["code", "offer", "member", "status", "created_at", "completed_at"]
    list_filter = ["status", "method"]
    search_fields = ["code", "member__code", "offer__title"]
    raw_id_fields = ["offer", "organisation", "member", "hold", "completed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
