from django.contrib import admin

from .models import Activity, Contribution, Session


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


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["member", "session", "minutes", "status"]
    list_filter = ["status"]
    list_select_related = ["member__user", "session__activity"]
    raw_id_fields = ["member", "session"]
