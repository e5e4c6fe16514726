"""Pure scoring helpers for the built-in instruments: no ORM, numbers in, numbers out."""

from decimal import Decimal

# ONS personal well-being thresholds, from the ONS "Personal well-being user guidance" (the bands
# used in the Annual Population Survey releases). Each band is (lowest, highest, name), inclusive.
ONS4_POSITIVE_BANDS = ((0, 4, "low"), (5, 6, "medium"), (7, 8, "high"), (9, 10, "very_high"))
ONS4_ANXIETY_BANDS = ((0, 1, "very_low"), (2, 3, "low"), (4, 5, "medium"), (6, 10, "high"))

# SWEMWBS raw total (7-35) to metric score: the conversion table Warwick Medical School publishes
# (from the Rasch analysis of Stewart-Brown et al. 2009, Health Qual Life Outcomes 7:15). Checked
# in November 2026, value by value, against public copies of that table: the lookup CSV in
# github.com/danlewer/aow_adolescent_mh (swemwbs_metric_lookup.csv) and four independent
# implementations found by searching public code for "swemwbs" and "metric"; all agree with every
# value here. (One further copy gives 25.99 for a raw 29; it is alone, so 26.02 stands.)
SWEMWBS_METRIC = {
    7: Decimal("7.00"),
    8: Decimal("9.51"),
    9: Decimal("11.25"),
    10: Decimal("12.40"),
    11: Decimal("13.33"),
    12: Decimal("14.08"),
    13: Decimal("14.75"),
    14: Decimal("15.32"),
    15: Decimal("15.84"),
    16: Decimal("16.36"),
    17: Decimal("16.88"),
    18: Decimal("17.43"),
    19: Decimal("17.98"),
    20: Decimal("18.59"),
    21: Decimal("19.25"),
    22: Decimal("19.98"),
    23: Decimal("20.73"),
    24: Decimal("21.54"),
    25: Decimal("22.35"),
    26: Decimal("23.21"),
    27: Decimal("24.11"),
    28: Decimal("25.03"),
    29: Decimal("26.02"),
    30: Decimal("27.03"),
    31: Decimal("28.13"),
    32: Decimal("29.31"),
    33: Decimal("30.70"),
    34: Decimal("32.55"),
    35: Decimal("35.00"),
}


def ons4_band(score: int, *, anxiety: bool = False) -> str:
    """The ONS threshold band of one 0-10 answer; anxiety has its own bands."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"An ONS4 score is a whole number from 0 to 10, not {score!r}.")
    bands = ONS4_ANXIETY_BANDS if anxiety else ONS4_POSITIVE_BANDS
    return next(name for low, high, name in bands if low <= score <= high)


def ucla3_total(items: list[int]) -> int:
    """The three-item UCLA loneliness total: three answers of 1-3, so 3 (least) to 9 (most)."""
    if len(items) != 3 or any(isinstance(i, bool) or i not in (1, 2, 3) for i in items):
        raise ValueError(f"UCLA-3 needs exactly three answers of 1, 2 or 3, not {items!r}.")
    return sum(items)


def swemwbs_raw(items: list[int]) -> int:
    if len(items) != 7 or any(isinstance(i, bool) or i not in (1, 2, 3, 4, 5) for i in items):
        raise ValueError(f"SWEMWBS needs exactly seven answers of 1 to 5, not {items!r}.")
    return sum(items)


def swemwbs_metric(raw: int) -> Decimal:
    """The metric score for a SWEMWBS raw total of 7 to 35, from the published table."""
    if raw not in SWEMWBS_METRIC:
        raise ValueError(f"A SWEMWBS raw total is a whole number from 7 to 35, not {raw!r}.")
    return SWEMWBS_METRIC[raw]


def paired_change(baseline, follow_up):
    """Distance travelled by one member: the follow-up minus the baseline on the same measure.

    Positive means the score went up; whether up is better depends on the measure (it is worse
    for anxiety and loneliness), which the report says, not this function.
    """
    if baseline is None or follow_up is None:
        raise ValueError("A paired change needs both a baseline and a follow-up score.")
    return follow_up - baseline
