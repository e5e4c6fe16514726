"""The partners app's scheduled jobs; `manage.py setup_schedules` writes them to django-q2."""

from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "partners: expire overdue redemptions",
        "func": "partners.tasks.expire_overdue_redemptions",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]
