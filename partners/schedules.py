"""Scheduled jobs of this app; `manage.py setup_schedules` writes them to django-q2."""

from django_q.models import Schedule

SCHEDULES = [
    {
        # Sends again the invitations whose email failed or whose task was lost.
        "name": "partners: send the invitation emails that did not go",
        "func": "partners.tasks.send_unemailed_invitations",
        "schedule_type": Schedule.MINUTES,
        "minutes": 5,
    },
]
