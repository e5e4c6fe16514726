"""Credits unspent, retention, regularity, reach and the demographic filters on hand-built data."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger.models import MonthEnd
from ledger.services import month_ends_keep
from tests.credits.conftest import earn
from tests.factories import MemberFactory, ProgrammeFactory, approved_organisation
from tests.reports.conftest import give, session
from timecredits.credits.services.gifts import donate
from timecredits.programmes.models import PopulationFigure
from timecredits.reports.disclosure import NOT_YET_KNOWN
from timecredits.reports.outputs.selectors.figures import CONSENT_NOTE, programme_outputs
from timecredits.reports.periods import month_bounds

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
NOVEMBER_26 = datetime.date(2026, 11, 26)


def _table(outputs, name):
    table = next(t for t in outputs["tables"] if t.name == name)
    return {r["key"]: r["values"] for r in table.rows}, table.total


def test_credits_unspent_are_the_balances_at_the_end_of_the_period(db):
    programme = ProgrammeFactory()
    group = approved_organisation(programme)
    giver, keeper, _empty = (MemberFactory(programme=programme, area="RV1") for _ in range(3))
    elsewhere = MemberFactory(programme=programme, area="RV2")
    earn(giver, 300)
    earn(keeper, 120)
    earn(elsewhere, 60)
    earn(MemberFactory(), 600)  # another programme's member
    donate(actor=giver.user, organisation=group, minutes=60, idempotency_key="d1")
    today = timezone.localdate()
    this_month = month_bounds(today.strftime("%Y-%m"))

    now = programme_outputs(programme, *this_month)
    in_rv1 = programme_outputs(programme, *this_month, area="RV1")
    # Every transfer was posted today, so at the end of yesterday nobody held anything.
    before = programme_outputs(programme, this_month[0], today - datetime.timedelta(days=1))

    assert (
        now["figures"]["credits_unspent_minutes"],
        now["people"]["credits_unspent_minutes"],
    ) == (
        420,
        3,
    )
    assert in_rv1["figures"]["credits_unspent_minutes"] == 360
    assert in_rv1["people"]["credits_unspent_minutes"] == 2
    assert before["figures"]["credits_unspent_minutes"] == 0
    assert before["people"]["credits_unspent_minutes"] == 0


def test_credits_unspent_read_from_a_kept_month_end_equal_those_worked_out_from_today(db):
    programme = ProgrammeFactory()
    group = approved_organisation(programme)
    giver, keeper = (MemberFactory(programme=programme, area="RV1") for _ in range(2))
    earn(giver, 300)
    earn(keeper, 120)
    earn(MemberFactory(), 600)  # another programme's member
    donate(actor=giver.user, organisation=group, minutes=60, idempotency_key="d1")
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    periods = [
        month_bounds(today.strftime("%Y-%m")),  # ends where next month's balances are kept
        (today, next_month + datetime.timedelta(days=9)),  # after them
        (today.replace(day=1), next_month - datetime.timedelta(days=2)),  # before them
        (today.replace(day=1), today - datetime.timedelta(days=1)),
    ]

    def unspent(**filters):
        return [
            (o["figures"]["credits_unspent_minutes"], o["people"]["credits_unspent_minutes"])
            for o in (programme_outputs(programme, *period, **filters) for period in periods)
        ]

    from_today = unspent(), unspent(area="RV1"), unspent(organisation=group)
    # The worker keeps next month's and the one after's opening balances, as it would once
    # they have passed (every transfer here is older than both).
    later = next_month + datetime.timedelta(days=40)
    assert month_ends_keep(now=timezone.make_aware(datetime.datetime(*later.timetuple()[:3]))) == 2
    with CaptureQueriesContext(connection) as read:
        from_month_ends = unspent(), unspent(area="RV1"), unspent(organisation=group)

    assert from_month_ends == from_today
    assert from_today[0][0] == (360, 2)
    assert any("ledger_monthendbalance" in q["sql"] for q in read.captured_queries)


def test_credits_unspent_between_kept_month_ends_equal_those_worked_out_from_today(db):
    """Transfers spread over three past months, so each period's end lies weeks from the nearest
    kept month end, on either side of it."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "PostgreSQL stamps a transfer with its own clock, so only SQLite's can be set back; "
            "reports_bench checks PostgreSQL on two generated years (tests/bench)"
        )
    programme = ProgrammeFactory()
    group = approved_organisation(programme)
    giver, keeper, elsewhere = (MemberFactory(programme=programme, area=a) for a in "ABB")
    first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=85)).replace(day=1)
    months = [first, *((first + datetime.timedelta(days=32 * n)).replace(day=1) for n in (1, 2))]
    moves = [
        (months[0], 3, lambda: earn(giver, 300, key="e1")),
        (months[0], 20, lambda: earn(keeper, 120, key="e2")),
        (months[1], 2, lambda: earn(elsewhere, 60, key="e3")),
        (
            months[1],
            26,
            lambda: donate(actor=giver.user, organisation=group, minutes=90, idempotency_key="d1"),
        ),
        (months[2], 5, lambda: earn(giver, 45, key="e4")),
        (
            months[2],
            24,
            lambda: donate(
                actor=keeper.user, organisation=group, minutes=120, idempotency_key="d2"
            ),
        ),
    ]
    for month, day, move in moves:
        moment = timezone.make_aware(
            datetime.datetime.combine(month.replace(day=day), datetime.time(12))
        )
        with mock.patch("django.utils.timezone.now", return_value=moment):
            move()
    periods = [
        (months[0], months[0].replace(day=10)),  # a week after the first month's start
        (months[0], months[1] - datetime.timedelta(days=3)),  # days before the next month's
        (months[1], months[1].replace(day=6)),  # days after a month's start
        (months[1], months[1].replace(day=16)),  # mid-month
        (months[2], months[2].replace(day=8)),
        (months[1], months[2].replace(day=27)),  # after the last transfer
    ]

    def unspent(**filters):
        return [
            (o["figures"]["credits_unspent_minutes"], o["people"]["credits_unspent_minutes"])
            for o in (programme_outputs(programme, *period, **filters) for period in periods)
        ]

    assert month_ends_keep() >= 2
    from_month_ends = unspent(), unspent(area="B")
    MonthEnd.objects.all().delete()
    from_today = unspent(), unspent(area="B")

    assert from_month_ends == from_today
    assert from_today[0] == [(300, 1), (420, 2), (480, 3), (480, 3), (435, 3), (315, 2)]
    assert from_today[1] == [(0, 0), (120, 1), (180, 2), (180, 2), (180, 2), (60, 1)]


def test_retention_counts_calendar_months_from_each_first_contribution(world):
    m1, m2, m3, *_ = world["members"]
    gardening = world["sessions"][0].activity
    give(m1, session(gardening, 1, month=6), 60)  # the 3rd month after March
    give(m2, session(gardening, 15, month=9), 60)  # the 6th
    give(m3, session(gardening, 31, month=5), 60)  # only the 2nd

    outputs = programme_outputs(world["programme"], *MARCH, today=NOVEMBER_26)

    rows, total = _table(outputs, "retention")
    assert rows == {
        "3": {"members": 2, "percent": 66.7},
        "6": {"members": 1, "percent": 33.3},
        "12": {"members": None, "percent": None},
    }
    assert total == {"members": 3, "percent": 100.0}
    table = next(t for t in outputs["tables"] if t.name == "retention")
    assert table.suppressed == {("12", "members"): NOT_YET_KNOWN, ("12", "percent"): NOT_YET_KNOWN}


def test_retention_is_not_yet_known_until_the_month_has_ended_for_everyone(world):
    outputs = programme_outputs(world["programme"], *MARCH, today=datetime.date(2026, 6, 30))

    rows, _ = _table(outputs, "retention")
    assert rows["3"] == {"members": None, "percent": None}
    later = programme_outputs(world["programme"], *MARCH, today=datetime.date(2026, 7, 1))
    assert _table(later, "retention")[0]["3"] == {"members": 0, "percent": 0.0}


def test_retention_follows_the_filter(world):
    m1 = world["members"][0]
    _, group_b = world["groups"]
    give(m1, session(world["sessions"][0].activity, 1, month=6), 60)  # at the other group

    outputs = programme_outputs(world["programme"], *MARCH, organisation=group_b, today=NOVEMBER_26)

    rows, total = _table(outputs, "retention")
    assert total["members"] == 1  # only m1 started at the befriending circle in March
    assert rows["3"]["members"] == 0


def test_regularity_by_the_share_of_weeks_and_months(world):
    m2 = world["members"][1]
    gardening = world["sessions"][0].activity
    give(m2, session(gardening, 12), 60)
    give(m2, session(gardening, 26), 60)

    march = programme_outputs(world["programme"], *MARCH)
    quarter = programme_outputs(world["programme"], *Q1)

    # March touches six calendar weeks (23 February to 5 April): weekly is three or more.
    assert _table(march, "regularity") == (
        {
            "weekly": {"members": 1, "hours": 3.5},
            "monthly": {"members": 2, "hours": 3.5},
            "occasional": {"members": 0, "hours": 0.0},
        },
        {"members": 3, "hours": 7.0},
    )
    # Over the quarter one month of three is occasional; three of fourteen weeks is too few.
    rows, total = _table(quarter, "regularity")
    assert rows["occasional"]["members"] == 3
    assert total["members"] == march["figures"]["active_members"]


def test_a_demographic_filter_counts_only_consenting_members_and_says_so(world):
    outputs = programme_outputs(world["programme"], *MARCH, demographics={"gender": "woman"})

    figures = outputs["figures"]
    # m1 is a consenting woman; m3 is a woman who does not consent; m5 was rejected.
    assert (figures["active_members"], figures["hours_given"]) == (1, 2.5)
    assert figures["credits_earned_minutes"] == 150
    assert outputs["notes"] == [CONSENT_NOTE]
    assert programme_outputs(world["programme"], *MARCH)["notes"] == []


def test_reach_against_the_imported_population(world):
    programme = world["programme"]
    PopulationFigure.objects.bulk_create(
        [
            PopulationFigure(programme=programme, area="RV1", population=2000),
            PopulationFigure(programme=programme, area="RV2", population=500),
            PopulationFigure(programme=programme, area="RV9", population=800),
            PopulationFigure(programme=programme, area="RV1", age_band="25_34", population=400),
            PopulationFigure(programme=programme, area="RV2", age_band="25_34", population=100),
        ]
    )

    outputs = programme_outputs(programme, *MARCH)

    assert _table(outputs, "reach_by_area") == (
        {
            "RV1": {"members": 2, "population": 2000, "per_1000": 1.0},
            "RV2": {"members": 1, "population": 500, "per_1000": 2.0},
            "RV9": {"members": 0, "population": 800, "per_1000": 0.0},  # who is missing
        },
        {},
    )
    # Of the 25-34s only m1 consents to reports; the band's population adds its areas.
    assert _table(outputs, "reach_by_age_band")[0] == {
        "25_34": {"members": 1, "population": 500, "per_1000": 2.0}
    }
    by_band = programme_outputs(programme, *MARCH, demographics={"age_band": "25_34"})
    assert _table(by_band, "reach_by_area")[0] == {
        "RV1": {"members": 1, "population": 400, "per_1000": 2.5},
        "RV2": {"members": 0, "population": 100, "per_1000": 0.0},  # m3 does not consent
    }
    assert _table(by_band, "reach_by_age_band")[0] == {
        "25_34": {"members": 1, "population": 500, "per_1000": 2.0}
    }
    in_rv2 = programme_outputs(programme, *MARCH, area="RV2")
    assert _table(in_rv2, "reach_by_area")[0] == {
        "RV2": {"members": 1, "population": 500, "per_1000": 2.0}
    }
    assert _table(in_rv2, "reach_by_age_band")[0] == {
        "25_34": {"members": 0, "population": 100, "per_1000": 0.0}
    }


def test_no_reach_tables_without_population_figures(world):
    names = {t.name for t in programme_outputs(world["programme"], *MARCH)["tables"]}

    assert not names & {"reach_by_area", "reach_by_age_band"}


def test_regularity_of_a_month_still_running_counts_its_weeks_so_far(world):
    # On 6 December the month's five calendar weeks made weekly need three: nobody was weekly.
    m2 = world["members"][1]
    gardening = world["sessions"][0].activity
    give(m2, session(gardening, 12), 60)

    running = programme_outputs(world["programme"], *MARCH, today=datetime.date(2026, 3, 13))
    over = programme_outputs(world["programme"], *MARCH)

    # By 13 March it has touched three weeks (23 February to 15 March): weekly is two.
    assert _table(running, "regularity")[0]["weekly"]["members"] == 2
    assert _table(over, "regularity")[0]["weekly"]["members"] == 0
    note = next(t.note for t in running["tables"] if t.name == "regularity")
    assert "3 calendar weeks so far" in note and "1 calendar months so far" in note
