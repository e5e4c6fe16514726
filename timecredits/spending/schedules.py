"""The spending app's scheduled jobs; `manage.py setup_schedules` writes them to django-q2."""

from django_q.models import Schedule

SCHEDULES = [
    {
        # The name stays as it was when partners held redemptions: schedules are found by name.
        "name": "partners: expire overdue redemptions",
        "func": "timecredits.spending.tasks.expire_overdue_redemptions",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]
