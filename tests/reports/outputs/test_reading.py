"""A report reads one snapshot; on PostgreSQL, part of it in a second connection that shares it."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation

from tests.factories import ProgrammeFactory
from tests.racing import in_thread
from tests.reports.outputs.test_spending import _rows, spent_at_a_venue
from timecredits.programmes.models import Programme
from timecredits.reports.outputs.selectors import reading as reading_module
from timecredits.reports.outputs.selectors.figures import programme_outputs
from timecredits.reports.outputs.selectors.reading import reading
from timecredits.reports.outputs.selectors.rollups import outputs_to_json
from timecredits.reports.periods import month_bounds


def _seen():
    return threading.current_thread().name, Programme.objects.count()


def _committed_elsewhere():
    """A programme created and committed by another connection (another thread's)."""

    in_thread(ProgrammeFactory).join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_second_connection_reads_the_reports_snapshot_not_what_came_after():
    ProgrammeFactory()
    with reading() as alongside:
        before = Programme.objects.count()
        _committed_elsewhere()
        name, seen = alongside(_seen).result()
        again = Programme.objects.count()

    assert name.startswith("report")  # another thread, so another connection
    assert before == seen == again == 1  # the programme committed meanwhile is in neither
    assert Programme.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_second_connection_reaches_the_report_and_changes_nothing():
    with pytest.raises(ZeroDivisionError), reading() as alongside:
        alongside(lambda: 1 / 0).result()

    ProgrammeFactory()  # this connection is still usable, and outside any transaction
    assert Programme.objects.count() == 1


@pytest.mark.django_db
def test_inside_a_transaction_already_begun_it_reads_in_this_connection_what_it_wrote():
    programme = ProgrammeFactory()  # not committed: the test's transaction holds it
    with reading() as alongside:
        name, seen = alongside(_seen).result()

    assert name == threading.current_thread().name
    assert seen == Programme.objects.filter(pk=programme.pk).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_report_read_in_two_connections_equals_the_same_read_in_one(monkeypatch):
    programme, venue = spent_at_a_venue()
    month = month_bounds(timezone.localdate().strftime("%Y-%m"))
    threads = []
    in_snapshot = reading_module._in_snapshot

    def noted(*args):
        threads.append(threading.current_thread().name)
        return in_snapshot(*args)

    monkeypatch.setattr(reading_module, "_in_snapshot", noted)

    two = programme_outputs(programme, *month)
    with transaction.atomic():  # a transaction begun by the caller: one connection
        one = programme_outputs(programme, *month)

    assert len(threads) == 1 and threads[0].startswith("report")
    assert outputs_to_json(two) == outputs_to_json(one)
    figures = two["figures"]
    assert (figures["credits_spent_minutes"], figures["credits_donated_minutes"]) == (120, 30)
    assert _rows(two, "spend_by_venue")[0] == {
        str(venue.pk): {"members": 2, "credits_minutes": 120}
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_second_connection_keeps_the_asking_threads_time_zone_and_language():
    def asked():
        return timezone.get_current_timezone_name(), translation.get_language()

    with timezone.override("Pacific/Auckland"), translation.override("cy"), reading() as alongside:
        zone, language = alongside(asked).result()

    assert (zone, language) == ("Pacific/Auckland", "cy")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_report_waits_for_the_second_connection_to_finish_its_read():
    def slow():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.3), 42")
            return cursor.fetchone()[1]

    with pytest.raises(RuntimeError), reading() as alongside:
        pending = alongside(slow)
        raise RuntimeError("the member pass failed")

    # The second read finished in the snapshot before the transaction that exported it ended.
    assert pending.done() and pending.result() == 42
    assert not connection.in_atomic_block
