"""Suppression rules: fixed cases, and random tables checked by brute force."""

from hypothesis import given
from hypothesis import strategies as st

from timecredits.reports.disclosure import (
    SECONDARY,
    SMALL,
    Table,
    cells_to_suppress,
    suppress,
    suppress_figures,
)


def test_zero_is_shown_and_small_counts_are_hidden():
    hidden, total_hidden = cells_to_suppress({"a": 0, "b": 3, "c": 12, "d": 20}, 35, 5)

    assert hidden == {"b": SMALL, "c": SECONDARY}
    assert total_hidden is False


def test_a_small_total_hides_every_non_zero_cell():
    assert cells_to_suppress({"a": 2, "b": 1, "c": 0}, 3, 5) == ({"a": SMALL, "b": SMALL}, True)


def test_two_ones_beside_a_total_are_protected_by_a_third_cell():
    hidden, total_hidden = cells_to_suppress({"a": 1, "b": 1, "c": 30}, 32, 5)

    assert hidden == {"a": SMALL, "b": SMALL, "c": SECONDARY}
    assert total_hidden is False


def test_a_protector_at_the_threshold_is_not_enough_on_its_own():
    # 1 hidden and 5 hidden as "secondary" (so at least 5) sum to 6: the small one must be 1.
    hidden, _ = cells_to_suppress({"a": 1, "b": 5, "c": 20}, 26, 5)

    assert hidden == {"a": SMALL, "b": SECONDARY, "c": SECONDARY}


def test_sums_go_with_their_people_and_the_table_says_why():
    table = Table(
        name="t",
        title="T",
        count="members",
        columns=[("members", "Members"), ("hours", "Hours")],
        rows=[
            {"key": "x", "label": "X", "values": {"members": 2, "hours": 7.5}},
            {"key": "y", "label": "Y", "values": {"members": 9, "hours": 20.0}},
            {"key": "z", "label": "Z", "values": {"members": 30, "hours": 80.0}},
        ],
        total={"members": 41, "hours": 107.5},
    )

    out = suppress(table, 5).as_dict()

    assert [r["values"] for r in out["rows"]] == [
        {"members": None, "hours": None},
        {"members": None, "hours": None},
        {"members": 30, "hours": 80.0},
    ]
    assert out["total"] == {"members": 41, "hours": 107.5}
    assert [(s["row"], s["column"], s["reason"]) for s in out["suppressed"]] == [
        ("x", "hours", SMALL),
        ("x", "members", SMALL),
        ("y", "hours", SECONDARY),
        ("y", "members", SECONDARY),
    ]


def test_headline_figures_hide_with_their_people():
    shown, hidden = suppress_figures(
        {"active_members": 3, "hours_given": 9.0, "sessions_held": 2},
        {"active_members": 3, "hours_given": 3},
        5,
    )

    assert shown == {"active_members": None, "hours_given": None, "sessions_held": 2}
    assert hidden == {"active_members": SMALL, "hours_given": SMALL}


def _possible_values(key, hidden, remainder, threshold):
    """Brute force: every value the cell can take, given what a reader sees and the reasons."""

    def values(reason):
        return range(1, threshold) if reason == SMALL else range(threshold, remainder + 1)

    others = [k for k in hidden if k != key]
    sums = {0}
    for other in others:
        sums = {s + v for s in sums for v in values(hidden[other]) if s + v <= remainder}
    return {v for v in values(hidden[key]) if remainder - v in sums}


@given(
    counts=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=6),
    threshold=st.integers(min_value=3, max_value=8),
)
def test_no_hidden_small_count_can_be_derived(counts, threshold):
    cells = {f"c{i}": n for i, n in enumerate(counts)}
    total = sum(counts)

    hidden, total_hidden = cells_to_suppress(cells, total, threshold)

    for key, n in cells.items():
        if key not in hidden:
            assert n == 0 or n >= threshold
        else:
            assert n > 0
            assert (hidden[key] == SMALL) == (0 < n < threshold)
    if not total_hidden:
        assert total == 0 or total >= threshold
        assert len(hidden) != 1
        remainder = total - sum(n for k, n in cells.items() if k not in hidden)
        for key, reason in hidden.items():
            possible = _possible_values(key, hidden, remainder, threshold)
            assert cells[key] in possible
            if reason == SMALL:
                assert len(possible) >= 2, (cells, hidden, key, possible)
