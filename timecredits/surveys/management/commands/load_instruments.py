"""`python manage.py load_instruments`: create or update the built-in survey instruments."""

from django.core.management.base import BaseCommand

from timecredits.surveys.instruments import load_built_in_instruments


class Command(BaseCommand):
    help = "Load the built-in survey instruments (idempotent)."

    def handle(self, *args, **options):
        for instrument in load_built_in_instruments():
            self.stdout.write(f"  {instrument.key}: {instrument.questions.count()} questions")
        self.stdout.write(self.style.SUCCESS("Built-in instruments are loaded."))
