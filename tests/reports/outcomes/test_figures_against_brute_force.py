"""Outcome figures against a brute-force count over random answers, and their suppression
against what a reader of the same table could work out."""

import datetime
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import MemberFactory
from tests.reports.conftest import admin_of
from tests.reports.surveyed import answer, built_in, improved_by_outcome, outcomes_of, when
from timecredits.reports import disclosure
from timecredits.reports.outcomes.selectors.figures import (
    Measure,
    _table,
    bins,
)
from timecredits.reports.outcomes.selectors.presented import _change, _wave
from timecredits.surveys.services import indicator_create, outcome_create

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
BEFORE, DURING, AFTER = when(20, 1), when(5), when(10, 4)
BANDS = {  # lowest score of each band, written out again rather than imported
    "life_satisfaction": {0: "low", 5: "medium", 7: "high", 9: "very_high"},
    "anxiety": {0: "very_low", 2: "low", 4: "medium", 6: "high"},
}
BETTER = {"life_satisfaction": 1, "anxiety": -1}
score = st.integers(-2, 10).map(lambda v: None if v < 0 else v)  # None: not answered
wave = st.tuples(st.sampled_from([BEFORE, DURING, DURING, AFTER]), score, score)  # when, scores
member = st.fixed_dictionaries(
    {
        "consent": st.booleans(),
        "area": st.sampled_from(["RV1", "RV2"]),
        "waves": st.dictionaries(st.sampled_from([0, 3, 6]), wave),
    }
)


def _band(key, value):
    return next(name for low, name in sorted(BANDS[key].items(), reverse=True) if value >= low)


def _bin(gain):
    if gain == 0:
        return "same"
    side = "better" if gain > 0 else "worse"
    return f"{side}_large" if abs(gain) >= 2 else side


def _mean(values):
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")) if values else None


def _expected(people, area):
    counted = [p for p in people if p["consent"] and area in ("", p["area"])]
    measures = {}
    for key in BANDS:
        index = 1 if key == "life_satisfaction" else 2
        waves, changes = {}, {}
        for w in (0, 3, 6):
            values = [
                p["waves"][w][index]
                for p in counted
                if w in p["waves"]
                and p["waves"][w][0] == DURING
                and p["waves"][w][index] is not None
            ]
            if values:
                bands = {name: 0 for name in BANDS[key].values()}
                for v in values:
                    bands[_band(key, v)] += 1
                waves[w] = (len(values), _mean(values), bands)
            if w == 0:
                continue
            deltas = [
                p["waves"][w][index] - p["waves"][0][index]
                for p in counted
                if w in p["waves"]
                and p["waves"][w][0] == DURING
                and p["waves"][w][index] is not None
                and 0 in p["waves"]
                and p["waves"][0][index] is not None
            ]
            if values:
                distribution = dict.fromkeys(
                    ["worse_large", "worse", "same", "better", "better_large"], 0
                )
                for d in deltas:
                    distribution[_bin(BETTER[key] * d)] += 1
                changes[w] = (len(deltas), _mean(deltas), distribution)
        measures[key] = (waves, changes)
    paired = improved = 0
    for p in counted:
        for w in (6, 3):
            moves = [
                BETTER[key] * (p["waves"][w][i] - p["waves"][0][i])
                for i, key in ((1, "life_satisfaction"), (2, "anxiety"))
                if w in p["waves"]
                and p["waves"][w][0] == DURING
                and 0 in p["waves"]
                and None not in (p["waves"][w][i], p["waves"][0][i])
            ]
            if moves:
                paired += 1
                improved += sum(m > 0 for m in moves) > len(moves) / 2
                break
    return measures, paired, improved


def _actual(report):
    measures = {}
    for m in report["measures"]:
        waves = {
            w["wave"]: (
                w["table"].total["members"],
                w["mean"],
                {r["key"]: r["values"]["members"] for r in w["table"].rows},
            )
            for w in m["waves"]
        }
        changes = {
            c["wave"]: (
                c["table"].total["members"],
                c["mean_change"],
                {r["key"]: r["values"]["members"] for r in c["table"].rows},
            )
            for c in m["changes"]
        }
        measures[m["key"].removeprefix("ons4.")] = (waves, changes)
    return measures


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(member, max_size=5), area=st.sampled_from(["", "RV1"]))
def test_outcome_figures_match_a_brute_force_count(world, people, area):
    programme = world["programme"]
    life, anxiety = built_in("ons4", "life_satisfaction"), built_in("ons4", "anxiety")
    admin = admin_of(programme)
    with transaction.atomic():
        outcome = outcome_create(actor=admin, programme=programme, name="Wellbeing")
        indicator_create(
            actor=admin, outcome=outcome, name="Both", question_ids=[life.pk, anxiety.pk]
        )
        for person in people:
            m = MemberFactory(
                programme=programme, reports_consent=person["consent"], area=person["area"]
            )
            for w, (at, life_score, anxiety_score) in person["waves"].items():
                for question, value in ((life, life_score), (anxiety, anxiety_score)):
                    if value is not None:
                        answer(m, question, w, value, at)

        actual = _actual(outcomes_of(programme, *MARCH, area=area))
        valued = improved_by_outcome(programme, *MARCH, area=area)
        transaction.set_rollback(True)

    expected, paired, improved = _expected(people, area)
    for key, (waves, changes) in expected.items():
        assert actual.get(key, ({}, {})) == (waves, changes)
    assert valued == {outcome.pk: {"paired": paired, "improved": improved}}


MEASURE = Measure("m", "M", "I", (1,), score=None, span=Decimal(10))


def _visible_cells_protect_every_small_one(table, threshold):
    counts = [v["values"]["members"] for v in table["rows"]] + [table["total"]["members"]]
    assert all(c is None or c == 0 or c >= threshold for c in counts)
    hidden = {
        s["row"]: s["reason"]
        for s in table["suppressed"]
        if s["row"] != "total" and s["column"] == "members"
    }
    total = table["total"]["members"]
    if total is None or not hidden:
        return hidden
    shown = sum(r["values"]["members"] for r in table["rows"] if r["key"] not in hidden)
    for key, (low, high) in disclosure.feasible(hidden, total - shown, threshold).items():
        assert hidden[key] == disclosure.SECONDARY or low < high
    return hidden


@given(
    counts=st.lists(st.integers(0, 9), min_size=5, max_size=5),
    threshold=st.integers(3, 6),
)
def test_a_suppressed_change_tells_nothing_its_table_does_not(counts, threshold):
    rows = [
        {"key": k, "label": label, "values": {"members": n}}
        for (k, label), n in zip(bins(MEASURE), counts, strict=True)
    ]
    mean = Decimal(1) if sum(counts) else None
    change = {"wave": 3, "name": "3 months", "table": _table("t", "T", rows), "mean_change": mean}

    block = _change(change, threshold)

    table, figures = block["table"], {f["key"]: f for f in block["figures"]}
    hidden = _visible_cells_protect_every_small_one(table, threshold)
    shown = {r["key"]: r["values"]["members"] for r in table["rows"]}
    for group, keys in {
        "improved": ("better", "better_large"),
        "same": ("same",),
        "worse": ("worse", "worse_large"),
    }.items():
        value = figures[group]["value"]
        assert value is None or value == sum(shown[k] for k in keys)
        assert (value is None) == any(k in hidden for k in keys)
        if figures[f"{group}_percent"]["value"] is not None:
            assert value is not None and table["total"]["members"] is not None
    if figures["mean_change"]["value"] is not None:
        assert not table["suppressed"] and table["total"]["members"] >= threshold
    assert figures["paired"]["value"] == table["total"]["members"]


@given(yes=st.integers(0, 9), no=st.integers(0, 9), threshold=st.integers(3, 6))
def test_a_share_answering_yes_is_never_shown_beside_a_hidden_count(yes, no, threshold):
    rows = [
        {"key": "yes", "label": "Yes", "values": {"members": yes}},
        {"key": "no", "label": "No", "values": {"members": no}},
    ]
    mean = Decimal(yes) / (yes + no) if yes + no else None
    wave = {"wave": 3, "name": "3 months", "table": _table("t", "T", rows), "mean": mean}

    block = _wave({"share": True}, wave, threshold)

    figures = {f["key"]: f for f in block["figures"]}
    _visible_cells_protect_every_small_one(block["table"], threshold)
    if mean is not None:
        assert (figures["mean"]["value"] is None) == (
            bool(block["table"]["suppressed"]) or yes + no < threshold
        )
