from django.contrib import admin

from timecredits.credits.services.accounts import programme_accounts_open

from .models import Programme, ProgrammeRole


class ProgrammeRoleInline(admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "starts_on", "ends_on"]
    search_fields = ["name", "area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeRoleInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        programme_accounts_open(programme=obj)
