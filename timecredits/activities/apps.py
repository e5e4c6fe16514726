from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "timecredits.activities"
    verbose_name = "Activities, sessions and contributions"
