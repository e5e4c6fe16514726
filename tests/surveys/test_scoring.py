from decimal import Decimal

import pytest

from timecredits.surveys.scoring import (
    SWEMWBS_METRIC,
    ons4_band,
    paired_change,
    swemwbs_metric,
    swemwbs_raw,
    ucla3_total,
)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "low"),
        (4, "low"),
        (5, "medium"),
        (6, "medium"),
        (7, "high"),
        (8, "high"),
        (9, "very_high"),
        (10, "very_high"),
    ],
)
def test_ons4_band_for_life_satisfaction_worthwhile_and_happiness(score, band):
    assert ons4_band(score) == band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "very_low"),
        (1, "very_low"),
        (2, "low"),
        (3, "low"),
        (4, "medium"),
        (5, "medium"),
        (6, "high"),
        (10, "high"),
    ],
)
def test_ons4_band_for_anxiety(score, band):
    assert ons4_band(score, anxiety=True) == band


@pytest.mark.parametrize("score", [-1, 11, 5.5, True, None])
def test_ons4_band_refuses_scores_off_the_scale(score):
    with pytest.raises(ValueError):
        ons4_band(score)


def test_ucla3_total_runs_from_3_to_9():
    assert ucla3_total([1, 1, 1]) == 3
    assert ucla3_total([1, 2, 3]) == 6
    assert ucla3_total([3, 3, 3]) == 9


@pytest.mark.parametrize("items", [[1, 1], [1, 1, 1, 1], [0, 1, 1], [1, 1, 4]])
def test_ucla3_total_refuses_wrong_answers(items):
    with pytest.raises(ValueError):
        ucla3_total(items)


def test_swemwbs_table_covers_every_raw_total_and_rises():
    assert list(SWEMWBS_METRIC) == list(range(7, 36))
    metrics = list(SWEMWBS_METRIC.values())
    assert metrics == sorted(metrics) and len(set(metrics)) == 29


@pytest.mark.parametrize(
    ("raw", "metric"),
    [
        (7, "7.00"),
        (8, "9.51"),
        (14, "15.32"),
        (21, "19.25"),
        (28, "25.03"),
        (34, "32.55"),
        (35, "35.00"),
    ],
)
def test_swemwbs_metric_from_the_table(raw, metric):
    assert swemwbs_metric(raw) == Decimal(metric)


def test_swemwbs_raw_total_then_metric():
    assert swemwbs_raw([1] * 7) == 7
    assert swemwbs_metric(swemwbs_raw([3, 3, 3, 3, 3, 3, 3])) == Decimal("19.25")
    assert swemwbs_metric(swemwbs_raw([5] * 7)) == Decimal("35.00")


@pytest.mark.parametrize("raw", [6, 36, 20.5])
def test_swemwbs_metric_refuses_raw_totals_off_the_table(raw):
    with pytest.raises(ValueError):
        swemwbs_metric(raw)


def test_swemwbs_raw_refuses_wrong_answers():
    with pytest.raises(ValueError):
        swemwbs_raw([1] * 6)
    with pytest.raises(ValueError):
        swemwbs_raw([1, 2, 3, 4, 5, 6, 1])


def test_paired_change_is_follow_up_minus_baseline():
    assert paired_change(5, 8) == 3
    assert paired_change(8, 5) == -3
    assert paired_change(Decimal("19.25"), Decimal("21.54")) == Decimal("2.29")
    with pytest.raises(ValueError):
        paired_change(None, 5)
