"""The members' calendars (`reports.calendars`, PostgreSQL) answer for whole months of the whole
programme exactly as the member pass over the facts does: here where it is easiest to get
wrong, the weeks a month shares with the months either side of it."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    approved_organisation,
)
from tests.reports.conftest import give
from timecredits.reports.outputs.selectors import figures
from timecredits.reports.outputs.selectors.figures import programme_outputs


def _a_month_that_shares_both_its_weeks() -> tuple[datetime.date, datetime.date]:
    """A month at least two months back that begins after a Monday and ends before a Sunday."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - 2
    while True:
        first = datetime.date(index // 12, index % 12 + 1, 1)
        following = datetime.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        last = following - datetime.timedelta(days=1)
        if first.weekday() != 0 and last.weekday() != 6:
            return first, last
        index -= 1


def _at(day: datetime.date, programme_activity):
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return SessionFactory(
        activity=programme_activity,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.mark.postgres
def test_a_month_s_first_and_last_weeks_count_only_the_time_given_in_it(db, monkeypatch):
    first, last = _a_month_that_shares_both_its_weeks()
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    day = datetime.timedelta(days=1)
    # Around the month: the day before it and the day after it (in its first and last weeks),
    # and two weeks inside it.
    outside = MemberFactory(programme=programme)
    for when in (first - day, last + day, first + 9 * day, first + 16 * day):
        give(outside, _at(when, activity), 60)
    # In its first and last weeks, on its own days, and one week inside it.
    inside = MemberFactory(programme=programme)
    for when in (first, last, first + 9 * day):
        give(inside, _at(when, activity), 60)

    kept = programme_outputs(programme, first, last)
    monkeypatch.setattr(figures, "_calendar", lambda f: False)
    grouped = programme_outputs(programme, first, last)

    assert kept == grouped
    (regularity,) = [t for t in kept["tables"] if t.name == "regularity"]
    members = {row["key"]: row["values"]["members"] for row in regularity.rows}
    # A month touches five or six weeks: three of them is weekly (inside), two is not (outside,
    # whose first and last weeks hold only days of the months either side).
    assert members == {"weekly": 1, "monthly": 1, "occasional": 0}


@pytest.mark.postgres
def test_a_session_just_after_midnight_on_a_summer_1st_is_that_month_s(db, monkeypatch):
    """Half past midnight on 1 July (British Summer Time) is 23:30 UTC on 30 June: the sessions'
    totals were cut at UTC midnights (found by review), and counted it in June."""
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    starts = timezone.make_aware(datetime.datetime(2025, 7, 1, 0, 30))
    session = SessionFactory(
        activity=activity, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    give(MemberFactory(programme=programme), session, 60)
    june = (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    july = (datetime.date(2025, 7, 1), datetime.date(2025, 7, 31))

    kept = [programme_outputs(programme, *period)["figures"] for period in (june, july)]
    monkeypatch.setattr(figures, "_calendar", lambda f: False)
    grouped = [programme_outputs(programme, *period)["figures"] for period in (june, july)]

    assert kept == grouped
    assert (kept[0]["sessions_held"], kept[1]["sessions_held"]) == (0, 1)
