"""`manage.py setup_schedules`: each declared job once, however often and however many at once
it runs (deploys run it), and a duplicate found is removed."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django_q.models import Schedule

from tests.racing import race
from timecredits.ops.management.commands.setup_schedules import declared_schedules


def _setup():
    call_command("setup_schedules", stdout=io.StringIO())


def _copies() -> dict:
    rows = Schedule.objects.values("name").annotate(n=Count("id"))
    return {row["name"]: row["n"] for row in rows}


@pytest.mark.django_db
def test_a_duplicate_added_in_the_admin_is_removed_and_the_run_goes_on():
    # A second row of a name made every later run fail (MultipleObjectsReturned).
    _setup()
    name = declared_schedules()[0]["name"]
    Schedule.objects.create(name=name, func="math.floor", schedule_type=Schedule.HOURLY)

    _setup()

    assert _copies() == {spec["name"]: 1 for spec in declared_schedules()}
    assert Schedule.objects.get(name=name).func == declared_schedules()[0]["func"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runs_at_once_on_an_empty_table_make_each_job_once():
    # Four at once made 20 rows for 10 names: every job ran twice.
    race([_setup] * 4)

    assert _copies() == {spec["name"]: 1 for spec in declared_schedules()}
