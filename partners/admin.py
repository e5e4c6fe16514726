from django.contrib import admin

from timecredits.members.admin import RoleInline, is_platform_staff

from .models import Invitation, Organisation, Participation, StaffMembership


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    readonly_fields = ["requested_at", "decided_at", "decided_by"]


class StaffMembershipInline(RoleInline):
    model = StaffMembership


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

    # An invitation's address is a person's contact detail: platform staff only.
    def get_list_display(self, request):
        if is_platform_staff(request):
            return self.list_display
        return [f for f in self.list_display if f != "email"]

    def get_exclude(self, request, obj=None):
        return [] if is_platform_staff(request) else ["email"]

    def get_readonly_fields(self, request, obj=None):
        if is_platform_staff(request):
            return self.readonly_fields
        return [f for f in self.readonly_fields if f != "email"]
