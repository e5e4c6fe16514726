"""The period picker: months and quarters as first and last day."""

import datetime

import pytest

from timecredits.reports.periods import month_bounds, quarter_bounds


def test_month_bounds_include_the_last_day():
    assert month_bounds("2026-02") == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert month_bounds("2026-12") == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_quarter_bounds():
    assert quarter_bounds("2026-Q2") == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    with pytest.raises(ValueError):
        quarter_bounds("2026-Q5")


def test_the_page_takes_a_quarter(client, world):
    from tests.factories import ProgrammeRoleFactory

    client.force_login(ProgrammeRoleFactory(programme=world["programme"]).user)

    response = client.get(
        f"/programmes/{world['programme'].pk}/reports/?period=quarter&quarter=2026-Q1"
    )

    assert response.status_code == 200
    assert response.context["report"]["period_start"] == datetime.date(2026, 1, 1)
    assert response.context["report"]["period_end"] == datetime.date(2026, 3, 31)
