"""Scheduled jobs of this app; `manage.py setup_schedules` writes them to django-q2.

Retirement runs daily although it retires a month at a time: each venue and month has one
idempotency key, so the 2nd to the 31st cost one look-up per venue, and a month is never
missed because the worker happened to be down on the 1st.
"""

from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "credits: warn of and expire unused credits",
        "func": "timecredits.credits.tasks.expire_credits",
        "schedule_type": Schedule.DAILY,
    },
    {
        "name": "credits: retire what venues accepted last month",
        "func": "timecredits.credits.tasks.retire_accepted_credits",
        "schedule_type": Schedule.DAILY,
    },
]
