from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "timecredits.credits"
    label = "credits"
    verbose_name = "Gifts, donations, statements and expiry"
