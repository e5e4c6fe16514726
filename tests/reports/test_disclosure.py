"""Suppression rules: fixed cases, and random tables checked by brute force."""

from hypothesis import given
from hypothesis import strategies as st

from timecredits.reports.disclosure import (
    DIFFERENCE,
    NOT_YET_KNOWN,
    SECONDARY,
    SMALL,
    Table,
    cells_to_suppress,
    nested_to_suppress,
    suppress,
    suppress_figures,
    suppress_like,
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


def test_nested_counts_hide_a_small_count_and_a_small_difference():
    # 20 started; 18 still active at 3 months would reveal 2 lost; 9 at 6 and 8 at 12 differ by 1.
    hidden, total_hidden = nested_to_suppress({"3": 18, "6": 9, "12": 8}, 20, 5)

    assert hidden == {"3": DIFFERENCE, "12": DIFFERENCE}
    assert total_hidden is False


def test_a_nested_total_close_to_a_count_shown_elsewhere_is_hidden():
    # 20 active members shown in the headline, 18 of them new: 2 returning members.
    hidden, total_hidden = nested_to_suppress({"3": 9}, 18, 5, known=(20,))

    assert total_hidden is True
    assert hidden == {}


def test_nested_counts_under_a_small_total_show_only_zeros():
    assert nested_to_suppress({"3": 2, "6": 0}, 3, 5) == ({"3": SMALL}, True)


def _retention(cohort, retained):
    rows = [
        {"key": k, "label": k, "values": {"members": n, "percent": None if n is None else 1.0}}
        for k, n in retained.items()
    ]
    unknown = {(k, c): NOT_YET_KNOWN for k, n in retained.items() if n is None for c in "mp"}
    return Table(
        name="retention",
        title="R",
        count="members",
        columns=[("members", "M"), ("percent", "P")],
        rows=rows,
        total={"members": cohort, "percent": 100.0},
        suppressed=unknown,
        nested=True,
    )


def test_a_nested_table_keeps_values_not_yet_known_and_hides_the_rest_by_rule():
    table = suppress(_retention(30, {"3": 12, "6": 3, "12": None}), 5).as_dict()

    assert [r["values"]["members"] for r in table["rows"]] == [12, None, None]
    reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
    assert reasons[("6", "members")] == SMALL
    assert reasons[("6", "percent")] == SMALL
    assert reasons[("12", "m")] == NOT_YET_KNOWN
    assert table["total"] == {"members": 30, "percent": 100.0}


@given(
    cohort=st.integers(min_value=0, max_value=40),
    returning=st.integers(min_value=0, max_value=10),
    cuts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=3),
    threshold=st.integers(min_value=3, max_value=8),
)
def test_no_two_shown_nested_counts_differ_by_a_small_count(cohort, returning, cuts, threshold):
    retained = sorted((min(c, cohort) for c in cuts), reverse=True)
    counts = {str(i): n for i, n in enumerate(retained)}
    active = cohort + returning  # containing the cohort, shown elsewhere unless it is small
    known = () if 0 < active < threshold else (active,)

    hidden, total_hidden = nested_to_suppress(counts, cohort, threshold, known=known)

    shown = [0, *known, *([] if total_hidden else [cohort])]
    shown += [n for k, n in counts.items() if k not in hidden]
    for a in shown:
        for b in shown:
            assert not 0 < abs(a - b) < threshold, (counts, cohort, hidden)
    assert total_hidden == (0 < cohort < threshold or (bool(known) and 0 < returning < threshold))
    for key, reason in hidden.items():
        assert (reason == SMALL) == (0 < counts[key] < threshold)


def test_a_mirrored_table_hides_what_its_source_hides():
    source = Table(
        name="area",
        title="A",
        count="members",
        columns=[("members", "M")],
        rows=[{"key": k, "label": k, "values": {"members": n}} for k, n in [("a", 2), ("b", 9)]],
        total={"members": 40},
        suppressed={("a", "members"): SMALL, ("b", "members"): SECONDARY},
    )
    reach = Table(
        name="reach",
        title="R",
        count="members",
        columns=[("members", "M"), ("per_1000", "Per 1,000")],
        rows=[
            {"key": k, "label": k, "values": {"members": n, "per_1000": n / 1000}}
            for k, n in [("a", 2), ("c", 0)]
        ],
        total={},
        mirrors="area",
    )

    out = suppress_like(reach, source).as_dict()

    assert [r["values"] for r in out["rows"]] == [
        {"members": None, "per_1000": None},
        {"members": 0, "per_1000": 0.0},
    ]
    assert {(s["row"], s["column"]) for s in out["suppressed"]} == {
        ("a", "members"),
        ("a", "per_1000"),
    }
