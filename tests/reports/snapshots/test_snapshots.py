"""Monthly snapshots: asked for on the page or the API, built by django-q2, kept unchanged once
ready, and read only by the programme's admins and commissioners, suppressed."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_q.models import Schedule, Task
from django_q.tasks import async_task
from openpyxl import load_workbook

from tests.factories import (
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
)
from tests.reports.conftest import admin_of
from timecredits.programmes.models import ProgrammeRole
from timecredits.reports.models import Snapshot
from timecredits.reports.snapshots import services as snapshots


@pytest.fixture
def admin(world):
    return admin_of(world["programme"])


def _api(world, tail=""):
    return f"/api/v1/programmes/{world['programme'].pk}/reports/snapshots{tail}"


def _ask(client, world, month="2026-03"):
    return client.post(_api(world), {"month": month}, content_type="application/json")


@pytest.fixture
def ready(client, world, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, world)
    assert response.status_code == 202, response.content
    client.logout()
    return Snapshot.objects.get(pk=response.json()["id"])


def test_asking_queues_a_build_that_django_q_runs_to_a_ready_snapshot(
    client, world, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _ask(client, world)

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert len(callbacks) == 1
    assert Task.objects.filter(func="timecredits.reports.tasks.build_snapshot").count() == 1
    snapshot = client.get(_api(world, f"/{response.json()['id']}")).json()
    assert (snapshot["status"], snapshot["progress"], snapshot["step"]) == ("ready", 100, "Ready")
    started, generated = (
        datetime.datetime.fromisoformat(snapshot[t]) for t in ("started_at", "generated_at")
    )
    assert started <= generated
    assert (snapshot["period_start"], snapshot["period_end"]) == ("2026-03-01", "2026-03-31")
    assert snapshot["parameters"]["threshold"] == 5
    assert snapshot["parameters"]["month"] == "2026-03"
    figures = {f["key"]: f for f in snapshot["report"]["figures"]}
    assert figures["active_members"]["value"] is None
    assert figures["active_members"]["suppressed"] == "small"
    assert figures["sessions_held"]["value"] is None
    assert figures["sessions_held"]["suppressed"] == "small"
    assert snapshot["report"]["suppressed"] is True
    trend = snapshot["report"]["trend"]
    assert [m["month"] for m in trend][0::11] == ["2025-04-01", "2026-03-01"]
    assert trend[-1] == {
        "month": "2026-03-01",
        "active_members": None,
        "hours_given": None,
        "suppressed": "small",
    }


def test_each_section_moves_the_progress_as_it_builds(
    client, world, admin, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []

    def watch(snapshot, report):
        row = Snapshot.objects.get(pk=snapshot.pk)
        seen.append((row.status, row.progress, row.step))
        return {}

    monkeypatch.setattr(snapshots, "SECTIONS", [*snapshots.SECTIONS, ("Watching", watch)])
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, world)

    assert seen == [("building", 75, "Watching")]  # after three of four sections
    assert Snapshot.objects.get(pk=response.json()["id"]).status == "ready"


def test_a_failed_build_is_marked_failed_with_its_error_and_can_be_asked_for_again(
    client, world, admin, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(snapshot, report):
        raise RuntimeError("the area table is missing")

    client.force_login(admin)
    with monkeypatch.context() as patch:
        patch.setattr(snapshots, "SECTIONS", [*snapshots.SECTIONS, ("Breaking", broken)])
        with django_capture_on_commit_callbacks(execute=True):
            response = _ask(client, world)

    snapshot = Snapshot.objects.get(pk=response.json()["id"])
    assert snapshot.status == "failed"
    assert snapshot.error == "RuntimeError: the area table is missing"
    assert snapshot.step == "Breaking"
    assert snapshot.report is None
    assert client.get(_api(world, f"/{snapshot.pk}")).json()["error"] == snapshot.error

    with django_capture_on_commit_callbacks(execute=True):
        again = _ask(client, world)

    assert again.status_code == 202
    assert again.json()["id"] == snapshot.pk
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.error) == ("ready", "")


def test_a_build_the_worker_stopped_is_marked_failed_and_built_again_when_asked(
    client, world, admin, django_capture_on_commit_callbacks
):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    kw = {"programme": world["programme"], "status": "building", "started_at": an_hour_ago}
    march = Snapshot.objects.create(period_start="2026-03-01", period_end="2026-03-31", **kw)
    february = Snapshot.objects.create(period_start="2026-02-01", period_end="2026-02-28", **kw)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, world)

    assert (response.status_code, response.json()["id"]) == (202, march.pk)
    assert Snapshot.objects.get(pk=march.pk).status == "ready"
    assert Snapshot.objects.get(pk=february.pk).status == "building"

    with django_capture_on_commit_callbacks(execute=True):
        async_task("timecredits.reports.tasks.request_last_months_snapshots")

    february.refresh_from_db()
    assert february.status == "failed"
    assert february.error == snapshots.STALLED


def test_a_snapshot_whose_task_was_lost_is_queued_again_when_asked(
    client, world, admin, django_capture_on_commit_callbacks
):
    # A worker killed after taking the task off the queue left "Queued" for ever: asking again
    # said it was queued, and the monthly job passed it by.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    kw = {"programme": world["programme"], "status": "queued"}
    lost = Snapshot.objects.create(period_start="2026-03-01", period_end="2026-03-31", **kw)
    Snapshot.objects.filter(pk=lost.pk).update(requested_at=an_hour_ago)
    waiting = Snapshot.objects.create(period_start="2026-02-01", period_end="2026-02-28", **kw)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _ask(client, world, month="2026-02")

    assert (response.status_code, response.json()["id"]) == (202, lost.pk)
    assert Snapshot.objects.get(pk=lost.pk).status == "ready"
    # One just queued is waiting its turn: not queued twice.
    assert (again.status_code, again.json()["id"], callbacks) == (200, waiting.pk, [])
    assert Snapshot.objects.get(pk=waiting.pk).status == "queued"


def test_a_build_within_the_workers_timeout_is_left_alone(client, world, admin):
    building = Snapshot.objects.create(
        programme=world["programme"],
        period_start="2026-03-01",
        period_end="2026-03-31",
        status="building",
        started_at=timezone.now(),
    )
    client.force_login(admin)

    response = _ask(client, world)

    assert (response.status_code, response.json()["status"]) == (200, "building")
    building.refresh_from_db()
    assert building.status == "building"


def test_asking_again_for_a_month_returns_the_snapshot_there_is(client, world, admin, ready):
    client.force_login(admin)

    response = _ask(client, world)

    assert response.status_code == 200
    assert response.json()["id"] == ready.pk
    assert response.json()["status"] == "ready"
    assert Snapshot.objects.count() == 1


def test_building_a_ready_snapshot_again_changes_nothing(ready):
    before = Snapshot.objects.values().get(pk=ready.pk)

    async_task("timecredits.reports.tasks.build_snapshot", ready.pk)

    assert Snapshot.objects.values().get(pk=ready.pk) == before


@pytest.mark.parametrize(
    ("month", "field"),
    [("2026-13", "month"), ("march", "month"), ("2999-01", "month"), ("0001-01", "month")],
)
def test_a_bad_or_unfinished_month_is_refused_and_nothing_is_made(
    client, world, admin, month, field
):
    client.force_login(admin)

    response = _ask(client, world, month)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert field in str(response.json()["error"]["detail"])
    assert not Snapshot.objects.exists()


def test_the_current_month_cannot_be_kept_yet(client, world, admin):
    client.force_login(admin)

    response = _ask(client, world, f"{timezone.localdate():%Y-%m}")

    assert response.status_code == 422
    assert not Snapshot.objects.exists()


def _refused(sql, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "change",
    [
        "report = NULL, status = 'failed'",
        "step = 'edited'",
        "progress = 99",
        "requested_by_id = NULL, error = 'x'",
        "requested_by_id = %s",
    ],
)
def test_raw_sql_cannot_change_a_ready_snapshot(ready, change):
    other = ProgrammeRoleFactory().user
    params = [other.pk, ready.pk] if "%s" in change else [ready.pk]
    before = Snapshot.objects.values().get(pk=ready.pk)

    _refused(f"UPDATE reports_snapshot SET {change} WHERE id = %s", params)  # noqa: S608

    assert Snapshot.objects.values().get(pk=ready.pk) == before


def test_raw_sql_cannot_delete_a_ready_snapshot(ready):
    _refused("DELETE FROM reports_snapshot WHERE id = %s", [ready.pk])

    assert Snapshot.objects.filter(pk=ready.pk, status="ready").exists()


def test_a_snapshot_that_is_not_ready_changes_freely(world):
    snapshot = Snapshot.objects.create(
        programme=world["programme"], period_start="2026-02-01", period_end="2026-02-28"
    )

    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_snapshot SET progress = 50 WHERE id = %s", [snapshot.pk])
        cursor.execute("DELETE FROM reports_snapshot WHERE id = %s", [snapshot.pk])

    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_deleting_the_requesters_account_keeps_the_snapshot(ready, admin):
    assert ready.requested_by == admin

    admin.delete()

    ready.refresh_from_db()
    assert (ready.status, ready.requested_by) == ("ready", None)


def test_one_snapshot_per_programme_and_month_in_the_database(ready):
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.create(
            programme=ready.programme, period_start=ready.period_start, period_end=ready.period_end
        )

    assert Snapshot.objects.count() == 1


def test_the_monthly_job_keeps_last_month_for_every_running_programme_once(
    world, django_capture_on_commit_callbacks
):
    ended = ProgrammeFactory(starts_on="2020-01-01", ends_on="2020-12-31")

    with django_capture_on_commit_callbacks(execute=True):
        async_task("timecredits.reports.tasks.request_last_months_snapshots")
    with django_capture_on_commit_callbacks(execute=True):
        async_task("timecredits.reports.tasks.request_last_months_snapshots")

    kept = Snapshot.objects.filter(programme=world["programme"])
    assert kept.count() == 1
    assert kept.get().status == "ready"
    assert not Snapshot.objects.filter(programme=ended).exists()
    results = Task.objects.filter(
        func="timecredits.reports.tasks.request_last_months_snapshots"
    ).order_by("started")
    assert [len(t.result) > 0 for t in results] == [True, False]


def test_setup_schedules_registers_the_monthly_job(db):
    call_command("setup_schedules")
    call_command("setup_schedules")

    schedule = Schedule.objects.get(func="timecredits.reports.tasks.request_last_months_snapshots")
    assert schedule.schedule_type == Schedule.DAILY


def test_a_commissioner_reads_snapshots_but_cannot_ask_for_one(client, world, commissioner, ready):
    client.force_login(commissioner)

    listed = client.get(_api(world))
    asked = _ask(client, world, "2026-02")

    assert [s["id"] for s in listed.json()] == [ready.pk]
    assert asked.status_code == 403
    assert asked.json()["error"]["code"] == "forbidden"
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "coordinator", "other_admin"])
def test_nobody_else_sees_a_programmes_snapshots(client, world, ready, who):
    group_a, _ = world["groups"]
    user = {
        "member": lambda: MemberFactory(programme=world["programme"]).user,
        "coordinator": lambda: StaffMembershipFactory(organisation=group_a).user,
        "other_admin": lambda: (
            ProgrammeRoleFactory(programme=ProgrammeFactory(), role=ProgrammeRole.Role.ADMIN).user
        ),
    }[who]()
    client.force_login(user)
    base = f"/programmes/{world['programme'].pk}/reports/snapshots/"

    for url in (_api(world), _api(world, f"/{ready.pk}"), _api(world, f"/{ready.pk}?format=xlsx")):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}{ready.pk}/").status_code == 403
    assert client.post(base, {"month": "2026-02"}).status_code == 403
    assert Snapshot.objects.count() == 1


def test_a_snapshot_is_not_found_through_another_programme(client, ready):
    other = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    client.force_login(other.user)

    response = client.get(f"/api/v1/programmes/{other.programme.pk}/reports/snapshots/{ready.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_downloads_wait_until_the_snapshot_is_ready(client, world, admin):
    snapshot = Snapshot.objects.create(
        programme=world["programme"], period_start="2026-02-01", period_end="2026-02-28"
    )
    client.force_login(admin)

    response = client.get(_api(world, f"/{snapshot.pk}?format=csv"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "snapshot_not_ready"


def _csv_figures(content):
    rows = list(csv.reader(io.StringIO(content.decode())))
    return {row[1]: (row[3], row[4]) for row in rows[1:] if row[0] == "figures"}


@pytest.mark.parametrize("channel", ["api", "page"])
def test_a_commissioner_downloads_only_suppressed_figures(
    client, world, commissioner, ready, channel
):
    client.force_login(commissioner)
    base = {
        "api": _api(world, f"/{ready.pk}?"),
        "page": f"/programmes/{world['programme'].pk}/reports/snapshots/{ready.pk}/?",
    }[channel]

    as_csv = client.get(f"{base}format=csv")
    as_xlsx = client.get(f"{base}format=xlsx")

    assert as_csv.status_code == as_xlsx.status_code == 200
    figures = _csv_figures(as_csv.content)
    assert figures["Active members"] == ("", "small")
    assert figures["Sessions held"] == ("", "small")
    book = load_workbook(io.BytesIO(as_xlsx.content))
    rows = {row[0]: row[1] for row in book["Figures"].iter_rows(values_only=True)}
    assert rows["Active members"] is None
    assert rows["Hours given"] is None
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Period"] == "2026-03-01 to 2026-03-31"
    for sheet in book.worksheets[2:]:
        for row in sheet.iter_rows(values_only=True):
            for value in row[1:-1]:
                assert not (isinstance(value, int) and 0 < value < 5), (sheet.title, row)
    text = as_csv.content.decode()
    for member in world["members"]:
        assert member.user.last_name not in text
        assert member.code not in text


def test_the_snapshot_page_refreshes_while_building_and_shows_the_report_when_ready(
    client, world, commissioner, ready
):
    building = Snapshot.objects.create(
        programme=world["programme"],
        period_start="2026-02-01",
        period_end="2026-02-28",
        status="building",
        progress=50,
        step="Counting the twelve months to it",
    )
    client.force_login(commissioner)
    base = f"/programmes/{world['programme'].pk}/reports/snapshots/"

    waiting = client.get(f"{base}{building.pk}/").content.decode()
    done = client.get(f"{base}{ready.pk}/").content.decode()
    listed = client.get(base).content.decode()

    assert 'http-equiv="refresh"' not in waiting  # a script polls; "Check again" without one
    assert "data-snapshot-building" in waiting
    assert "Check again" in waiting
    assert 'value="50"' in waiting
    assert "Counting the twelve months to it" in waiting
    # The step is kept in English and said in the reader's language.
    welsh = client.get(f"{base}{building.pk}/", headers={"accept-language": "cy"})
    assert "Yn cyfrif y deuddeg mis hyd ato" in welsh.content.decode()
    assert 'http-equiv="refresh"' not in done
    assert "format=xlsx" in done
    assert "Suppressed in this table:" in done
    assert "<svg" in done
    for member in world["members"]:
        assert member.user.last_name not in done
    assert "Make a snapshot" not in listed
    assert "March 2026" in listed


def test_a_programme_admin_asks_for_a_snapshot_from_the_page(
    client, world, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    base = f"/programmes/{world['programme'].pk}/reports/snapshots/"
    assert "Make a snapshot" in client.get(base).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base, {"month": "2026-03"})

    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base}{snapshot.pk}/"
    assert snapshot.status == "ready"


@pytest.mark.parametrize("month", ["2026-3", "2999-01"])
def test_the_page_refuses_a_bad_month_by_the_field_and_makes_nothing(client, world, admin, month):
    # It was a dead-end error page; now the refusal is said by the field, with what was typed.
    client.force_login(admin)

    response = client.post(
        f"/programmes/{world['programme'].pk}/reports/snapshots/", {"month": month}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-error" id="snapshot-month-error"' in html
    assert f'value="{month}"' in html and 'aria-invalid="true"' in html
    assert not Snapshot.objects.exists()
