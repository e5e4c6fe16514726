from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "timecredits.surveys"
    label = "surveys"
    verbose_name = "Outcome surveys: instruments, schedules and responses"
