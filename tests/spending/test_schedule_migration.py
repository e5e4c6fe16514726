"""A schedule made before spending had a home of its own follows its task there."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_q.models import Schedule

OLD = "partners.tasks.expire_overdue_redemptions"
NEW = "timecredits.spending.tasks.expire_overdue_redemptions"


@pytest.mark.django_db(transaction=True)
def test_a_schedule_made_before_the_move_runs_the_task_in_its_new_home():
    executor = MigrationExecutor(connection)
    executor.migrate([("spending", "0001_initial")])
    Schedule.objects.create(name="partners: expire overdue redemptions", func=OLD, minutes=1)
    other = Schedule.objects.create(name="something else", func="x.y", minutes=1)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(Schedule.objects.exclude(pk=other.pk).values_list("func", flat=True)) == [NEW]
    assert Schedule.objects.get(pk=other.pk).func == "x.y"
