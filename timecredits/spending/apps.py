"""The spending app: offers venues publish, and members' redemptions of them."""

from django.apps import AppConfig


class SpendingConfig(AppConfig):
    name = "timecredits.spending"
    label = "spending"
    verbose_name = "Spending"
