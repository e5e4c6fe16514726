from django.contrib import admin

from timecredits.credits.services.accounts import programme_accounts_open
from timecredits.members.admin import RoleInline

from .models import Programme, ProgrammeRole


class ProgrammeRoleInline(RoleInline):
    model = ProgrammeRole


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "starts_on", "ends_on"]
    search_fields = ["name", "area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeRoleInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        programme_accounts_open(programme=obj)
