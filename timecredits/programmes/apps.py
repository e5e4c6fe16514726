from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "timecredits.programmes"
    verbose_name = "Programmes"
