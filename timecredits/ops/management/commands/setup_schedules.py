"""Create or update the django-q2 schedules that every app declares in its `schedules.py`.

Each app lists plain dicts (name, func, schedule_type and its timing); this command writes them
by name, so running it twice changes nothing and a changed interval updates the row. Runs at
once (two deploys) take turns: django-q2's names are not unique, and both created every row,
so every job ran twice and every later run failed on the duplicates; a duplicate found (one
added in the admin, say) is removed.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django_q.models import Schedule

from timecredits.db import claim


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
        with transaction.atomic():
            claim("schedules", "setup")
            for spec in declared_schedules():
                fields = {key: value for key, value in spec.items() if key != "name"}
                kept = Schedule.objects.filter(name=spec["name"]).order_by("pk")
                Schedule.objects.filter(name=spec["name"]).exclude(pk=kept[:1]).delete()
                _, created = Schedule.objects.update_or_create(name=spec["name"], defaults=fields)
                self.stdout.write(f"{'created' if created else 'updated'} schedule {spec['name']}")
