from django.contrib import admin

from .models import Organisation, StaffMembership


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind", "programmes"]
    search_fields = ["name", "area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffMembershipInline]
