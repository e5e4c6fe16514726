"""The ledger's scheduled jobs; `manage.py setup_schedules` writes them to django-q2."""

from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "ledger: time out overdue holds",
        "func": "ledger.tasks.expire_overdue_holds",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": "ledger: verify every account",
        "func": "ledger.tasks.verify_ledger",
        "schedule_type": Schedule.DAILY,
    },
]
