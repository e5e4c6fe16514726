from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "joined_at"]
    list_filter = ["programme"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "programme"]
    raw_id_fields = ["user"]
