from django.contrib import admin

from timecredits.admin import ReadOnlyAdmin

from .models import Activity, Contribution, ContributionEvent, Session


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "programme", "type"]
    list_filter = ["type", "programme"]
    search_fields = ["title", "organisation__name"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["activity", "starts_at", "ends_at", "location"]
    list_select_related = ["activity"]
    date_hierarchy = "starts_at"


class ContributionEventInline(admin.TabularInline):
    model = ContributionEvent
    extra = 0
    can_delete = False
    fields = [
        "at",
        "action",
        "from_status",
        "to_status",
        "minutes_before",
        "minutes_after",
        "reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    """Read-only: a contribution's status and minutes change only through verification, which
    posts or reverses the credits and records who did it; an edit here would bypass both."""

    list_display = ["member", "session", "minutes", "status"]
    list_filter = ["status"]
    list_select_related = ["member__user", "session__activity"]
    raw_id_fields = ["member", "session"]
    inlines = [ContributionEventInline]
