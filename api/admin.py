from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API; staff can only see and revoke them."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["user__username", "prefix", "name"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False
