"""Create or update the django-q2 schedules that every app declares in its `schedules.py`.

Each app lists plain dicts (name, func, schedule_type and its timing); this command writes them
by name, so running it twice changes nothing and a changed interval updates the row.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django_q.models import Schedule


def declared_schedules() -> list[dict]:
    declared = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.schedules":
                raise
            continue
        declared += module.SCHEDULES
    return declared


class Command(BaseCommand):
    help = "Create or update the scheduled background jobs declared by each app."

    def handle(self, *args, **options):
        for spec in declared_schedules():
            fields = {key: value for key, value in spec.items() if key != "name"}
            _, created = Schedule.objects.update_or_create(name=spec["name"], defaults=fields)
            self.stdout.write(f"{'created' if created else 'updated'} schedule {spec['name']}")
