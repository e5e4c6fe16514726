"""Scheduled jobs of this app; `manage.py setup_schedules` writes them to django-q2.

Last month's snapshots are asked for daily although there is one per month: each programme and
month has one snapshot, so the other days cost one look-up per programme, a month is never
missed because the worker was down on the 1st, and a failed build is tried again the next day.
"""

from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "reports: build last month's snapshot for every programme",
        "func": "timecredits.reports.tasks.request_last_months_snapshots",
        "schedule_type": Schedule.DAILY,
    },
    {
        # The dashboard serves these figures while younger than REPORTS_ROLLUP_MAX_AGE. Every
        # minute: a programme's year takes the worker about a second (reports_bench).
        "name": "reports: refresh the dashboard's figures for every running programme",
        "func": "timecredits.reports.tasks.refresh_outputs_rollups",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]
