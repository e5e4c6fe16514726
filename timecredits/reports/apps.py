from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "timecredits.reports"
    label = "reports"
    verbose_name = "Reports"
