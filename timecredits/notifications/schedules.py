"""Scheduled jobs of this app; `manage.py setup_schedules` writes them to django-q2."""

from django_q.models import Schedule

SCHEDULES = [
    {
        # Pays the emails whose own task failed or never ran (see outbox.py).
        "name": "notifications: send the emails still owed",
        "func": "timecredits.notifications.tasks.send_owed_emails",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]
