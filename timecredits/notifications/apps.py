from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "timecredits.notifications"
    verbose_name = "Notifications"
