from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .outbox import emails_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "member",
        "kind",
        "title",
        "read_at",
        "email_status",
        "email_attempts",
        "emailed_at",
    ]
    list_filter = ["kind", "email_status"]
    search_fields = ["=member__code"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the emails given up on again"))
    def send_again(self, request, queryset):
        owed = emails_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d email is owed again; the next sweep sends it.",
                "%(count)d emails are owed again; the next sweep sends them.",
                owed,
            )
            % {"count": owed},
            messages.SUCCESS,
        )
