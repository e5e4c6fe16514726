"""Admin for people. Personal data (names, contact details, demographics) is shown only to
platform staff (superusers); other staff with admin access see pseudonymous codes."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import DEMOGRAPHICS, ConsentRecord, Member, User

USER_PERSONAL = ["first_name", "last_name", "email", "phone"]
MEMBER_PERSONAL = [*DEMOGRAPHICS, "new_to_volunteering"]


def is_platform_staff(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class RoleInline(admin.TabularInline):
    """The people given a role on the row (an organisation's staff, a programme's admins), each a
    user picked by id: there are too many users to list."""

    extra = 0
    raw_id_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal data", {"fields": USER_PERSONAL}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    search_fields = ["username", "email", "phone", "first_name", "last_name"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_platform_staff(request):
            return fieldsets
        return [fs for fs in fieldsets if fs[0] != "Personal data"]

    def get_list_display(self, request):
        if is_platform_staff(request):
            return ["username", "first_name", "last_name", "email", "phone", "is_staff"]
        return ["username", "is_staff", "is_active"]

    def get_search_fields(self, request):
        return self.search_fields if is_platform_staff(request) else ["username"]


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    readonly_fields = ["purpose", "granted", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["code", "programme", "joined_at", "closed_at"]
    list_filter = ["programme", "reports_consent", "surveys_consent"]
    list_select_related = ["programme"]
    search_fields = ["code"]
    raw_id_fields = ["user", "registered_by_organisation"]
    # A card is revoked by its service, which says why; closing goes through its own too.
    readonly_fields = ["code", "joined_at", "closed_at", "terms_accepted_at", "pass_version"]
    inlines = [ConsentRecordInline]

    def get_exclude(self, request, obj=None):
        return [] if is_platform_staff(request) else [*MEMBER_PERSONAL, "user"]

    def get_list_display(self, request):
        if is_platform_staff(request):
            return [*self.list_display, "area"]
        return self.list_display
