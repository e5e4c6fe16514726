from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "timecredits.demo"
    verbose_name = "Demo data"
