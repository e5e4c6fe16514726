"""The redemption expiry task moved from partners to spending: point a schedule created before the
move at the task's new home, so the worker keeps expiring codes on a database migrated before
`setup_schedules` runs again."""

from django.db import migrations

OLD = "partners.tasks.expire_overdue_redemptions"
NEW = "timecredits.spending.tasks.expire_overdue_redemptions"


def _repoint(apps, old, new):
    apps.get_model("django_q", "Schedule").objects.filter(func=old).update(func=new)


class Migration(migrations.Migration):
    dependencies = [
        ("spending", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _repoint(apps, OLD, NEW),
            lambda apps, schema_editor: _repoint(apps, NEW, OLD),
        )
    ]
