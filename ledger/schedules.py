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
        # Daily, although a month ends once: a month end missed while the worker was down is
        # kept the next day, and the other days cost one look-up.
        "name": "ledger: keep every account's balance at each month end",
        "func": "ledger.tasks.keep_month_ends",
        "schedule_type": Schedule.DAILY,
    },
    {
        "name": "ledger: verify every account",
        "func": "ledger.tasks.verify_ledger",
        "schedule_type": Schedule.DAILY,
    },
]
