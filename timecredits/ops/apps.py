from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "timecredits.ops"
    verbose_name = "Operations"
