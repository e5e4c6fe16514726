"""The dashboard's figures kept by the background worker (reports.rollups): the refresh runs
through django-q2 and keeps exactly what a live computation gives; the dashboard serves them
only while fresh, only for the whole programme, and always suppressed for commissioners."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from tests.factories import ProgrammeFactory
from timecredits.reports.models import OutputsRollup
from timecredits.reports.outputs.selectors.figures import programme_outputs
from timecredits.reports.outputs.selectors.rollups import (
    kept_periods,
    outputs_from_json,
    standard_periods,
)

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
QUERY = "from=2026-03-01&to=2026-03-31"


def _refresh_march(programme) -> OutputsRollup:
    async_task(
        "timecredits.reports.tasks.refresh_outputs_rollup",
        programme.pk,
        MARCH[0].isoformat(),
        MARCH[1].isoformat(),
    )
    return OutputsRollup.objects.get(
        programme=programme, period_start=MARCH[0], period_end=MARCH[1]
    )


def _tamper(rollup: OutputsRollup, **changes) -> None:
    """Mark the kept figures so a test can tell them from a live computation's: each changed
    figure is said to describe enough people to be shown."""
    outputs = rollup.outputs
    outputs["figures"] = {**outputs["figures"], **changes}
    outputs["people"] = {**outputs["people"], **dict.fromkeys(changes, 50)}
    OutputsRollup.objects.filter(pk=rollup.pk).update(outputs=outputs)


def _api(client, programme, extra=""):
    return client.get(f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}{extra}").json()


def _figures(report) -> dict:
    return {f["key"]: (f["value"], f["suppressed"]) for f in report["figures"]}


def test_the_worker_keeps_exactly_what_a_live_computation_gives(world):
    programme = world["programme"]

    rollup = _refresh_march(programme)

    assert outputs_from_json(rollup.outputs) == programme_outputs(programme, *MARCH)
    assert rollup.outputs["figures"]["sessions_held"] == 3
    assert rollup.outputs["figures"]["active_members"] == 3
    assert timezone.now() - rollup.computed_at < datetime.timedelta(minutes=1)


def test_refreshing_twice_keeps_one_rollup_per_programme_and_period(world):
    programme = world["programme"]

    first = _refresh_march(programme)
    second = _refresh_march(programme)

    assert OutputsRollup.objects.count() == 1
    assert second.pk == first.pk
    assert second.computed_at >= first.computed_at


def test_the_schedule_refreshes_every_running_programmes_standard_periods(world):
    today = timezone.localdate()
    ended = ProgrammeFactory(
        starts_on=datetime.date(2020, 1, 1), ends_on=today - datetime.timedelta(days=1)
    )
    call_command("setup_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    schedule = Schedule.objects.get(func="timecredits.reports.tasks.refresh_outputs_rollups")
    # Every minute, and what it keeps is served for longer than that: fresh within a minute.
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)
    assert datetime.timedelta(minutes=schedule.minutes) < settings.REPORTS_ROLLUP_MAX_AGE

    async_task(schedule.func)

    kept = set(OutputsRollup.objects.values_list("programme", "period_start", "period_end"))
    periods = kept_periods(today)
    assert kept == {(world["programme"].pk, start, end) for start, end in periods}
    assert len(standard_periods(today)) == 5
    assert set(standard_periods(today)) < set(periods)
    assert not OutputsRollup.objects.filter(programme=ended).exists()
    for rollup in OutputsRollup.objects.all():
        assert outputs_from_json(rollup.outputs) == programme_outputs(
            rollup.programme, rollup.period_start, rollup.period_end
        )


def test_the_standard_periods_are_the_dashboards():
    assert standard_periods(datetime.date(2026, 1, 15)) == [
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
        (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ]


def test_a_fresh_rollup_is_served_and_still_suppressed_for_a_commissioner(
    client, world, commissioner
):
    programme = world["programme"]
    rollup = _refresh_march(programme)
    _tamper(rollup, sessions_held=7)
    client.force_login(commissioner)

    report = _api(client, programme)

    assert report["from_worker"] is True
    as_of = datetime.datetime.fromisoformat(report["as_of"])  # JSON keeps milliseconds
    assert abs(as_of - rollup.computed_at) < datetime.timedelta(milliseconds=1)
    figures = _figures(report)
    assert figures["sessions_held"] == (7, "")
    assert figures["active_members"] == (None, "small")
    assert figures["hours_given"] == (None, "small")
    assert figures["credits_earned_minutes"] == (None, "small")
    assert report["suppressed"] is True
    for table in report["tables"]:
        for row in [*table["rows"], {"values": table["total"]}]:
            members = row["values"].get("members")
            assert members is None or members == 0 or members >= 5


def test_a_stale_rollup_is_not_served(client, world, commissioner):
    programme = world["programme"]
    rollup = _refresh_march(programme)
    _tamper(rollup, sessions_held=7)
    stale = timezone.now() - settings.REPORTS_ROLLUP_MAX_AGE - datetime.timedelta(seconds=1)
    OutputsRollup.objects.filter(pk=rollup.pk).update(computed_at=stale)
    client.force_login(commissioner)

    report = _api(client, programme)

    assert report["from_worker"] is False
    assert _figures(report)["sessions_held"] == (None, "small")
    assert datetime.datetime.fromisoformat(report["as_of"]) > stale


@pytest.mark.parametrize(
    "extra", ["&area=RV1", "&activity_type=befriending", "&organisation={group}", "&gender=woman"]
)
def test_a_filtered_request_never_uses_the_rollup(client, world, commissioner, extra):
    programme = world["programme"]
    _tamper(_refresh_march(programme), sessions_held=7)
    client.force_login(commissioner)

    report = _api(client, programme, extra.format(group=world["groups"][0].pk))

    assert report["from_worker"] is False
    assert _figures(report)["sessions_held"][0] != 7


def test_the_page_and_exports_say_as_of_when_and_from_where(client, world, commissioner):
    programme = world["programme"]
    rollup = _refresh_march(programme)
    client.force_login(commissioner)
    page = f"/programmes/{programme.pk}/reports/?period=month&month=2026-03"

    html = client.get(page).content.decode()
    csv_text = client.get(f"{page}&format=csv").content.decode()
    api_csv = client.get(
        f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}&format=csv"
    ).content.decode()

    assert "kept by the background worker" in html
    assert f"{timezone.localtime(rollup.computed_at):%Y-%m-%d %H:%M:%S}" in csv_text
    for text in (csv_text, api_csv):
        assert text.splitlines()[1].startswith("about,Figures as of,,")
        assert "kept by the background worker" in text.splitlines()[1]
    OutputsRollup.objects.all().delete()
    assert "computed for this request" in client.get(f"{page}&format=csv").content.decode()


def test_a_period_whose_refresh_is_still_queued_is_not_queued_again(world):
    from django.core.cache import cache

    from timecredits.reports.tasks import refresh_outputs_rollups

    today = timezone.localdate()
    start, end = standard_periods(today)[0]
    waiting = f"reports:rollup-queued:{world['programme'].pk}:{start}:{end}"
    cache.set(waiting, 1)  # as if a worker had not reached it yet

    kept = len(kept_periods(today))
    assert refresh_outputs_rollups() == kept - 1
    assert not OutputsRollup.objects.filter(period_start=start, period_end=end).exists()
    assert cache.get(waiting) == 1

    cache.delete(waiting)
    assert refresh_outputs_rollups() == kept  # each refresh, done, cleared its own mark
    assert OutputsRollup.objects.filter(period_start=start, period_end=end).exists()


def test_the_worker_also_keeps_the_period_each_standard_period_is_set_against():
    assert kept_periods(datetime.date(2026, 1, 15)) == [
        *standard_periods(datetime.date(2026, 1, 15)),
        # The last twelve months (2025), against the twelve before.
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        # This month, fifteen days in: against December's first fifteen.
        (datetime.date(2025, 12, 1), datetime.date(2025, 12, 15)),
        # Last month: the month before it.
        (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30)),
        # This quarter and this year, as many days of the ones before.
        (datetime.date(2025, 10, 1), datetime.date(2025, 10, 15)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 15)),
    ]


def test_the_dashboard_sets_the_kept_figures_against_kept_figures(world, commissioner):
    """The default dashboard (the last twelve months, the whole programme) computes nothing on
    request: neither its figures nor the twelve months it is compared with."""
    from timecredits.reports.tasks import refresh_outputs_rollups
    from timecredits.reports.use_cases.outputs import programme_outputs_page

    programme = world["programme"]
    today = timezone.localdate()
    twelve_months = standard_periods(today)[0]
    refresh_outputs_rollups()

    page = programme_outputs_page(
        actor=commissioner, programme_id=programme.pk, period=twelve_months, trend=True
    )

    assert page["report"]["from_worker"] is True
    assert page["previous"]["from_worker"] is True
    assert (page["previous"]["period_start"], page["previous"]["period_end"]) == (
        datetime.date(today.year - 2, today.month, 1),
        twelve_months[0] - datetime.timedelta(days=1),
    )


def test_figures_kept_before_yesterday_are_forgotten_at_the_next_refresh(world):
    from timecredits.reports.tasks import refresh_outputs_rollups

    old = _refresh_march(world["programme"])
    OutputsRollup.objects.filter(pk=old.pk).update(
        computed_at=timezone.now() - datetime.timedelta(days=3)
    )
    recent = OutputsRollup.objects.create(
        programme=world["programme"],
        period_start=datetime.date(2026, 2, 1),
        period_end=datetime.date(2026, 2, 28),
        computed_at=timezone.now() - datetime.timedelta(hours=30),
        outputs=old.outputs,
    )

    refresh_outputs_rollups()

    assert not OutputsRollup.objects.filter(pk=old.pk).exists()
    assert OutputsRollup.objects.filter(pk=recent.pk).exists()
