"""`python manage.py seed_demo`: load the demo programme and print its logins. Safe to run twice."""

from django.core.management.base import BaseCommand

from timecredits.ops.demo import seed_demo


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins for each role."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo logins:"))
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role:<{width}}  {login.username} / {login.password}")
