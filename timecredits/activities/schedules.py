"""Scheduled jobs of this app; `manage.py setup_schedules` writes them to django-q2."""

SCHEDULES = [
    {
        "name": "activities.check_out_ended_sessions",
        "func": "timecredits.activities.tasks.check_out_ended_sessions",
        "schedule_type": "I",
        "minutes": 5,
    },
]
