"""The dashboard's charts: a twelve-month trend from one grouped query, suppressed month by month
with hidden months drawn as gaps, and the tables as bar charts with their values as text."""

import datetime

from tests.factories import MemberFactory
from tests.reports.conftest import give, session
from timecredits.reports.charts import bar_chart, trend_chart
from timecredits.reports.outputs.selectors.figures import programme_outputs
from timecredits.reports.outputs.selectors.presented import build_programme_report
from timecredits.reports.outputs.selectors.trend import months_ending, programme_trend

MARCH = datetime.date(2026, 3, 31)


def test_twelve_months_end_with_the_reports_last_month():
    months = months_ending(datetime.date(2026, 3, 15))

    assert months[0] == datetime.date(2025, 4, 1)
    assert months[-1] == datetime.date(2026, 3, 1)
    assert len(months) == 12
    assert months_ending(datetime.date(2026, 1, 31))[-2:] == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
    ]


def test_the_trend_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        programme_trend(programme=world["programme"], last_month=MARCH)


def test_the_trend_agrees_with_each_months_own_report(world):
    """Brute force: the grouped query against the report itself, month by month."""
    programme = world["programme"]
    programme.report_threshold = 2
    # A second member in April too, so that two months have figures to show.
    give(world["members"][4], session(world["sessions"][2].activity, 12, month=4), 30)

    trend = programme_trend(programme=programme, last_month=datetime.date(2026, 4, 1))

    for month in trend:
        start = datetime.date.fromisoformat(month["month"])
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        figures = programme_outputs(programme, start, end)["figures"]
        assert (month["active_members"], month["hours_given"]) == (
            figures["active_members"],
            figures["hours_given"],
        ), month["month"]
    assert trend[-2]["active_members"] == 3
    assert trend[-1]["active_members"] == 2
    assert trend[-1]["hours_given"] == 1.5


def test_a_small_month_is_hidden_and_a_month_with_nobody_is_zero(world):
    trend = programme_trend(programme=world["programme"], last_month=MARCH)

    assert trend[-1] == {
        "month": "2026-03-01",
        "active_members": None,
        "hours_given": None,
        "suppressed": "small",
    }
    assert trend[-2] == {
        "month": "2026-02-01",
        "active_members": 0,
        "hours_given": 0,
        "suppressed": "",
    }


def test_the_trend_follows_the_reports_filter(world):
    programme = world["programme"]
    programme.report_threshold = 2
    _, group_b = world["groups"]

    trend = programme_trend(programme=programme, last_month=MARCH, organisation=group_b)

    # Group B's March: one member, which is small even at a threshold of 2.
    assert trend[-1]["active_members"] is None
    trend = programme_trend(programme=programme, last_month=MARCH, area="RV1")
    assert (trend[-1]["active_members"], trend[-1]["hours_given"]) == (2, 4.0)


def _month(month, members, hours, suppressed=""):
    return {
        "month": month,
        "active_members": members,
        "hours_given": hours,
        "suppressed": suppressed,
    }


def test_a_hidden_month_is_drawn_as_a_gap_never_as_zero():
    chart = trend_chart(
        [
            _month("2026-01-01", 0, 0),
            _month("2026-02-01", None, None, "small"),
            _month("2026-03-01", 10, 25.5),
        ]
    )

    members = chart["series"][0]["columns"]
    assert [c["suppressed"] for c in members] == [False, True, False]
    assert [c["value"] for c in members] == [0, None, 10]
    assert [c["text"] for c in members] == ["0", "", "10"]
    assert members[0]["height"] == 0
    assert members[2]["height"] == chart["plot"]
    assert chart["series"][1]["columns"][2]["text"] == "25.5"
    assert (chart["first"], chart["last"]) == ("January 2026", "March 2026")


def test_a_tables_bar_chart_gives_each_row_its_value_and_no_bar_when_hidden():
    table = {
        "title": "By area",
        "columns": [{"key": "members", "label": "Members"}, {"key": "hours", "label": "Hours"}],
        "rows": [
            {"key": "RV1", "label": "RV1", "values": {"members": 8, "hours": 3}},
            {"key": "RV2", "label": "RV2", "values": {"members": None, "hours": None}},
            {"key": "RV3", "label": "RV3", "values": {"members": 6, "hours": 1}},
        ],
        "suppressed": [
            {"row": "RV2", "column": "members", "reason": "small"},
            {"row": "RV2", "column": "hours", "reason": "small"},
        ],
    }

    chart = bar_chart(table)

    assert chart["title"] == "By area: members"
    assert chart["bars"] == [
        {"label": "RV1", "value": 8, "width": 100.0, "reason": None},
        {"label": "RV2", "value": None, "width": None, "reason": "small"},
        {"label": "RV3", "value": 6, "width": 75.0, "reason": None},
    ]


def test_the_dashboard_draws_the_trend_and_the_bar_charts(client, world):
    from tests.factories import ProgrammeRoleFactory

    commissioner = ProgrammeRoleFactory(programme=world["programme"], role="commissioner").user
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{world['programme'].pk}/reports/?period=month&month=2026-03"
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<svg viewBox") == 2  # the two trend charts; bars are svg.bar-track
    assert 'class="gap"' in text
    assert "April 2025 to March 2026" in text
    assert 'id="trend-figures"' in text
    assert '<h3 id="table-area">By area</h3>' in text
    assert '<svg class="bar-track"' in text
    for member in world["members"]:
        assert member.user.last_name not in text


def test_a_month_hidden_in_a_quarter_cannot_be_had_from_the_quarters_hours(world):
    # Given a quarter to March with 8 members in January and 3 in March: the report shows its
    # 11 active members and their hours.
    programme = world["programme"]
    january = session(world["sessions"][0].activity, 12, month=1)
    for _ in range(8):
        give(MemberFactory(programme=programme), january, 60)
    report = build_programme_report(
        programme=programme, period_start=datetime.date(2026, 1, 1), period_end=MARCH
    )
    figures = {f["key"]: f["value"] for f in report["figures"]}
    assert (figures["active_members"], figures["hours_given"]) == (11, 13.0)

    # When the trend is drawn beside it
    trend = programme_trend(
        programme=programme,
        last_month=MARCH,
        period_start=datetime.date(2026, 1, 1),
        headline=figures,
    )

    # Then March is hidden, and January with it: 13 less January's 8 hours would be March's.
    assert [(m["month"], m["hours_given"], m["suppressed"]) for m in trend[-3:]] == [
        ("2026-01-01", None, "secondary"),
        ("2026-02-01", 0, ""),
        ("2026-03-01", None, "small"),
    ]
    # and months before the quarter are as they were.
    assert trend[-4] == {
        "month": "2025-12-01",
        "active_members": 0,
        "hours_given": 0,
        "suppressed": "",
    }


def test_a_month_hidden_in_the_quarter_before_cannot_be_had_from_what_it_was(world):
    # Given the quarter to March (8 members in January, 3 in March) shown as what the quarter to
    # June "was" beside it
    programme = world["programme"]
    january = session(world["sessions"][0].activity, 12, month=1)
    for _ in range(8):
        give(MemberFactory(programme=programme), january, 60)
    reports = {
        months: build_programme_report(programme=programme, period_start=first, period_end=last)
        for months, first, last in [
            ("jan-mar", datetime.date(2026, 1, 1), MARCH),
            ("apr-jun", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        ]
    }
    shown = {k: {f["key"]: f["value"] for f in r["figures"]} for k, r in reports.items()}
    assert (shown["jan-mar"]["active_members"], shown["jan-mar"]["hours_given"]) == (11, 13.0)

    # When the trend to June is drawn beside the quarter to June and what it was
    trend = programme_trend(
        programme=programme,
        last_month=datetime.date(2026, 6, 30),
        period_start=datetime.date(2026, 4, 1),
        headline=shown["apr-jun"],
        before=(datetime.date(2026, 1, 1), MARCH, shown["jan-mar"]),
    )

    # Then March is hidden, and January with it: 13 less January's 8 hours would be March's.
    by_month = {m["month"]: (m["hours_given"], m["suppressed"]) for m in trend}
    assert by_month["2026-01-01"] == (None, "secondary")
    assert by_month["2026-03-01"] == (None, "small")
    assert by_month["2025-12-01"] == (0, "")
