from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "timecredits.members"
    verbose_name = "Members"
