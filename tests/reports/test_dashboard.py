"""The report pages as a dashboard (`reports.dashboard`): the period before, the change on it
(hidden when either side is suppressed), labels for codes, and units a person reads."""

import datetime
import re

from timecredits.reports import dashboard, periods
from timecredits.reports.disclosure import SECONDARY, SMALL

D = datetime.date


def test_the_previous_period_of_a_month_is_the_month_before():
    assert periods.previous_period(D(2026, 3, 1), D(2026, 3, 31)) == (
        D(2026, 2, 1),
        D(2026, 2, 28),
    )
    assert dashboard.since_words(D(2026, 2, 1), D(2026, 2, 28)) == "the previous month"


def test_a_month_still_running_is_set_against_as_many_days_of_the_month_before():
    # Five days into December: 1 to 5 November, not the whole of November.
    before, words = dashboard.compared_with(D(2026, 12, 1), D(2026, 12, 31), today=D(2026, 12, 5))
    assert before == (D(2026, 11, 1), D(2026, 11, 5))
    assert words == "1 Nov to 5 Nov"
    # A month over is set against the whole month before, in words.
    before, words = dashboard.compared_with(D(2026, 11, 1), D(2026, 11, 30), today=D(2026, 12, 5))
    assert (before, words) == ((D(2026, 10, 1), D(2026, 10, 31)), "the previous month")
    # The 31st of a 31-day month after a 30-day one: the whole month before, no further.
    before, _ = dashboard.compared_with(D(2026, 12, 1), D(2026, 12, 31), today=D(2026, 12, 30))
    assert before == (D(2026, 11, 1), D(2026, 11, 30))


def test_the_previous_period_of_a_quarter_or_a_year_is_as_many_months_before():
    assert periods.previous_period(D(2026, 1, 1), D(2026, 3, 31)) == (
        D(2025, 10, 1),
        D(2025, 12, 31),
    )
    assert periods.previous_period(D(2025, 4, 1), D(2026, 3, 31)) == (
        D(2024, 4, 1),
        D(2025, 3, 31),
    )
    assert dashboard.since_words(D(2024, 4, 1), D(2025, 3, 31)) == "the previous 12 months"


def test_the_previous_period_of_custom_dates_is_as_many_days_before():
    assert periods.previous_period(D(2026, 3, 5), D(2026, 3, 14)) == (
        D(2026, 2, 23),
        D(2026, 3, 4),
    )
    assert dashboard.since_words(D(2026, 2, 23), D(2026, 3, 4)) == "the previous 10 days"


def test_a_change_says_its_direction_and_size_in_words():
    since = "the previous month"

    up = dashboard.change(112, 100, since=since)
    down = dashboard.change(75, 100, since=since)
    same = dashboard.change(8, 8, since=since)
    new = dashboard.change(6, 0, since=since)

    assert (up["direction"], up["percent"], up["words"]) == (
        "up",
        12,
        "Up 12% on the previous month",
    )
    assert (down["direction"], down["percent"], down["words"]) == (
        "down",
        -25,
        "Down 25% on the previous month",
    )
    assert (same["direction"], same["words"]) == ("same", "No change on the previous month")
    assert (new["direction"], new["percent"], new["words"]) == (
        "up",
        None,
        "Up from none on the previous month",
    )


def test_a_change_is_not_shown_when_either_side_is_suppressed():
    small_now = dashboard.change(None, 12, reasons=(SMALL, ""), threshold=5, since="x")
    hidden_before = dashboard.change(12, None, reasons=("", SECONDARY), threshold=5, since="x")
    small_before = dashboard.change(12, None, reasons=("", SMALL), threshold=5, since="x")

    assert small_now == {
        "shown": False,
        "direction": "none",
        "words": "Change not shown: fewer than 5",
        "percent": None,
    }
    assert hidden_before["shown"] is False
    assert hidden_before["words"] == "Change not shown: a figure is suppressed"
    assert small_before["words"] == "Change not shown: fewer than 5"


def _report(**values):
    hidden = {k: SMALL for k, v in values.items() if v is None}
    return {
        "suppressed": True,
        "threshold": 5,
        "figures": [
            {"key": k, "label": k, "value": v, "suppressed": hidden.get(k, "")}
            for k, v in values.items()
        ],
    }


def test_tiles_show_credits_not_minutes_and_each_change_from_the_suppressed_figures():
    now = _report(hours_given=23.5, active_members=9, credits_earned_minutes=1410, check_ins=None)
    before = _report(
        hours_given=20.0, active_members=None, credits_earned_minutes=1200, check_ins=8
    )

    tiles = {t["key"]: t for t in dashboard.tiles(now, before, since="the previous month")}

    assert [str(t["label"]) for t in tiles.values()] == [
        "Hours given",
        "Active members",
        "Credits earned",
        "Check-ins",
    ]
    assert tiles["hours_given"]["shown"] == "23.5"
    assert tiles["credits_earned_minutes"]["shown"] == "23.5"  # 1410 minutes
    assert tiles["credits_earned_minutes"]["was"] == "20"
    assert tiles["credits_earned_minutes"]["change"]["words"] == "Up 18% on the previous month"
    assert tiles["active_members"]["change"]["shown"] is False
    assert tiles["active_members"]["change"]["words"] == "Change not shown: fewer than 5"
    assert tiles["check_ins"]["value"] is None
    assert tiles["check_ins"]["why"] == "fewer people than the programme's threshold"
    assert tiles["check_ins"]["change"]["shown"] is False


def test_tiles_without_a_previous_report_have_no_change():
    tiles = dashboard.tiles(_report(active_members=9), None)

    assert tiles[0]["change"] is None
    assert tiles[0]["shown"] == "9"


def _table(name, columns, rows, suppressed=()):
    return {
        "name": name,
        "title": name,
        "note": "",
        "columns": [{"key": k, "label": k} for k in columns],
        "rows": [
            {"key": key, "label": key, "values": dict(zip(columns, values, strict=True))}
            for key, values in rows
        ],
        "total": {},
        "total_label": "",
        "suppressed": [
            {"row": row, "column": column, "reason": reason, "why": reason}
            for row, column, reason in suppressed
        ],
    }


def test_codes_read_as_their_labels_and_what_was_hidden_names_the_row():
    shaped = dashboard.table(
        _table(
            "activity_type",
            ["members", "hours"],
            [("befriending", (6, 5.5)), ("formal_volunteering", (None, None)), ("", (0, 0))],
            [("formal_volunteering", "members", SMALL), ("formal_volunteering", "hours", SMALL)],
        )
    )

    assert shaped["title"] == "By activity type"
    assert [r["label"] for r in shaped["rows"]] == [
        "Befriending",
        "Formal volunteering",
        "Not answered",
    ]
    assert [str(c["label"]) for c in shaped["columns"]] == ["Members", "Hours given"]
    assert [r["bar"] for r in shaped["rows"]] == [100.0, None, 0.0]
    assert shaped["hidden"] == [
        {"label": "Formal volunteering", "why": "fewer people than the programme's threshold"}
    ]


def test_yes_and_no_read_as_words_and_retention_months_as_words():
    new = dashboard.table(_table("new_members", ["members"], [("yes", (7,)), ("no", (5,))]))
    kept = dashboard.table(_table("retention", ["members", "percent"], [("3", (6, 50.0))]))

    assert [r["label"] for r in new["rows"]] == ["New to volunteering", "Volunteered before"]
    assert kept["rows"][0]["label"] == "After 3 months"
    assert kept["rows"][0]["cells"][1]["shown"] == "50%"


def test_credits_spent_are_shown_in_credits_under_a_header_without_minutes():
    shaped = dashboard.table(
        _table("spend_by_category", ["members", "credits_minutes"], [("leisure", (6, 150))])
    )

    assert [str(c["label"]) for c in shaped["columns"]] == ["Members", "Credits spent"]
    assert shaped["rows"][0]["cells"][1]["shown"] == "2.5"
    assert shaped["rows"][0]["label"] == "Leisure and sport"


def test_the_dashboard_page_shows_no_minutes_and_no_codes(client, world, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{world['programme'].pk}/reports/?period=month&month=2026-03"
    )

    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    words = re.sub(r"<[^>]+>", " ", main)
    assert response.status_code == 200
    assert "minute" not in words.lower()
    assert "formal_volunteering" not in words
    assert "Formal volunteering" in words
    assert "on the previous month" in words
    assert '<details class="filters-panel" data-filters>' in main
    assert 'http-equiv="refresh"' not in response.content.decode()


def test_a_snapshot_being_built_polls_with_a_script_and_offers_check_again(client, world):
    from django.utils import timezone

    from tests.reports.conftest import admin_of
    from timecredits.reports.models import Snapshot

    snapshot = Snapshot.objects.create(
        programme=world["programme"],
        period_start="2026-03-01",
        period_end="2026-03-31",
        status="building",
        started_at=timezone.now(),
    )
    client.force_login(admin_of(world["programme"]))
    url = f"/programmes/{world['programme'].pk}/reports/snapshots/{snapshot.pk}/"

    text = client.get(url).content.decode()

    assert "http-equiv" not in text
    assert "reports/reports.js" in text
    assert "data-snapshot-building" in text
    assert f'<a class="button secondary" href="{url}">Check again</a>' in text
