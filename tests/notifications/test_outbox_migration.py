"""Migrating to the outbox: what was sent stays sent, and the last day's unsent emails are owed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import MemberFactory
from timecredits.notifications.models import Notification

BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0002_email_outbox")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Whatever the test migrated to, the next tests find every migration applied (a table
    left at 0002 lacks the columns later ones add)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_last_days_unsent_emails_are_owed_and_the_rest_are_not():
    with_address = MemberFactory(user__email="ana@example.org")
    opted_out = MemberFactory(user__email="bea@example.org")
    no_address = MemberFactory(user__email="")
    old = _migrate(BEFORE)
    made = old.get_model("notifications", "Notification").objects
    old.get_model("notifications", "EmailOptOut").objects.create(
        member_id=opted_out.pk, kind="gift"
    )
    now = timezone.now()
    rows = {
        "sent": made.create(member_id=with_address.pk, kind="gift", title="t", emailed_at=now),
        "unsent today": made.create(member_id=with_address.pk, kind="gift", title="t"),
        "unsent last week": made.create(member_id=with_address.pk, kind="gift", title="t"),
        "opted out": made.create(member_id=opted_out.pk, kind="gift", title="t"),
        "no address": made.create(member_id=no_address.pk, kind="gift", title="t"),
    }
    made.filter(pk=rows["unsent last week"].pk).update(created_at=now - datetime.timedelta(days=7))

    _migrate(AFTER)

    status = dict(Notification.objects.values_list("pk", "email_status"))
    assert {name: status[row.pk] for name, row in rows.items()} == {
        "sent": "sent",
        "unsent today": "owed",
        "unsent last week": "not_owed",
        "opted out": "not_owed",
        "no address": "not_owed",
    }
