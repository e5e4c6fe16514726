"""Outcome figures from stored answers: fixed cases worked by hand."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import ActivityFactory, MemberFactory
from tests.reports.conftest import admin_of, give, session
from tests.reports.surveyed import (
    JANUARY,
    answer,
    answer_all,
    built_in,
    improved_by_outcome,
    outcomes_of,
    when,
)
from timecredits.surveys.instruments import SWEMWBS_COPYRIGHT
from timecredits.surveys.services import custom_question_add, indicator_create, outcome_create

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
LIFE = ("ons4", "life_satisfaction")
ANXIETY = ("ons4", "anxiety")


@pytest.fixture
def surveyed(world):
    """Six consenting members (a-f) and one who does not consent (x) answering ONS4 items."""
    programme = world["programme"]
    a, b, c, d, e, f = (MemberFactory(programme=programme) for _ in range(6))
    x = MemberFactory(programme=programme, reports_consent=False)
    life, anxiety = built_in(*LIFE), built_in(*ANXIETY)
    for member, before, after in (
        (a, 3, 6),
        (b, 5, 5),
        (c, 7, 8),
        (d, 9, 7),
        (e, 4, 4),
        (x, 2, 10),
    ):
        answer(member, life, 0, before, when(JANUARY, 1))
        answer(member, life, 3, after, when(15))
    answer(f, life, 0, 6, when(10))
    for member, before, after in ((a, 6, 3), (b, 5, 7)):
        answer(member, anxiety, 0, before, when(JANUARY, 1))
        answer(member, anxiety, 3, after, when(15))
    return {"programme": programme, "members": (a, b, c, d, e, f, x)}


def _measure(report, key):
    return next(m for m in report["measures"] if m["key"] == key)


def _counts(table):
    return {r["key"]: r["values"]["members"] for r in table.rows}


def test_each_wave_counts_the_answers_given_in_the_period(surveyed):
    report = outcomes_of(surveyed["programme"], *MARCH)

    life = _measure(report, "ons4.life_satisfaction")
    baseline, follow_up = life["waves"]
    assert (baseline["wave"], baseline["table"].total, baseline["mean"]) == (
        0,
        {"members": 1},
        Decimal("6.00"),
    )
    assert (follow_up["wave"], follow_up["table"].total["members"]) == (3, 5)
    assert follow_up["mean"] == Decimal("6.00")  # (6 + 5 + 8 + 7 + 4) / 5; x does not consent
    assert _counts(follow_up["table"]) == {"low": 1, "medium": 2, "high": 2, "very_high": 0}
    assert life["better"] == "higher"


def test_a_follow_up_is_paired_with_a_baseline_answered_before_the_period(surveyed):
    report = outcomes_of(surveyed["programme"], *MARCH)

    (change,) = _measure(report, "ons4.life_satisfaction")["changes"]
    assert change["wave"] == 3
    assert change["table"].total == {"members": 5}
    assert change["mean_change"] == Decimal("0.40")  # +3, 0, +1, -2, 0
    assert _counts(change["table"]) == {
        "worse_large": 1,
        "worse": 0,
        "same": 2,
        "better": 1,
        "better_large": 1,
    }


def test_for_anxiety_a_lower_score_is_better(surveyed):
    report = outcomes_of(surveyed["programme"], *MARCH)

    anxiety = _measure(report, "ons4.anxiety")
    assert anxiety["better"] == "lower"
    assert _counts(anxiety["waves"][0]["table"]) == {
        "very_low": 0,
        "low": 1,
        "medium": 0,
        "high": 1,
    }
    (change,) = anxiety["changes"]
    assert _counts(change["table"]) == {
        "worse_large": 1,  # b: 5 -> 7
        "worse": 0,
        "same": 0,
        "better": 0,
        "better_large": 1,  # a: 6 -> 3
    }


def test_another_period_sees_only_its_own_answers(surveyed):
    report = outcomes_of(surveyed["programme"], datetime.date(2026, 1, 1), MARCH[0])

    (life,) = [m for m in report["measures"] if m["key"] == "ons4.life_satisfaction"]
    (baseline,) = life["waves"]
    assert baseline["table"].total["members"] == 5  # a-e; x does not consent
    assert life["changes"] == []


def test_composite_scores_and_the_swemwbs_copyright(world):
    programme = world["programme"]
    member = MemberFactory(programme=programme)
    answer_all(member, "ucla3", {"companionship": 2, "left_out": 3, "isolated": 3}, 0, when(2))
    answer_all(member, "ucla3", {"companionship": 1, "left_out": 2, "isolated": 2}, 3, when(20))
    keys = ["optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"]
    answer_all(member, "swemwbs", dict.fromkeys(keys, 3), 0, when(2))
    answer_all(member, "swemwbs", dict.fromkeys(keys, 4), 3, when(20))
    answer(member, built_in("loneliness_direct", "how_often_lonely"), 0, "2", when(2))
    answer(member, built_in("loneliness_direct", "how_often_lonely"), 3, "4", when(20))

    report = outcomes_of(programme, *MARCH)

    ucla = _measure(report, "ucla3")
    assert [w["mean"] for w in ucla["waves"]] == [Decimal("8.00"), Decimal("5.00")]
    assert ucla["better"] == "lower"
    assert _counts(ucla["changes"][0]["table"])["better_large"] == 1
    swemwbs = _measure(report, "swemwbs")
    assert [w["mean"] for w in swemwbs["waves"]] == [Decimal("19.25"), Decimal("25.03")]
    assert swemwbs["changes"][0]["mean_change"] == Decimal("5.78")
    assert swemwbs["copyright"] == SWEMWBS_COPYRIGHT
    assert report["copyright"] == [SWEMWBS_COPYRIGHT]
    direct = _measure(report, "loneliness_direct.how_often_lonely")
    assert _counts(direct["waves"][1]["table"]) == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert _counts(direct["changes"][0]["table"])["better_large"] == 1


def test_a_composite_with_an_item_missing_is_not_scored(world):
    member = MemberFactory(programme=world["programme"])
    answer_all(member, "ucla3", {"companionship": 2, "left_out": 3}, 0, when(2))

    report = outcomes_of(world["programme"], *MARCH)

    assert [m["key"] for m in report["measures"]] == []


def test_a_programmes_own_questions(world):
    programme = world["programme"]
    admin = admin_of(programme)
    friends = custom_question_add(
        actor=admin, programme=programme, key="friend", text="Made a friend?", kind="yes_no"
    )
    hours = custom_question_add(
        actor=admin, programme=programme, key="hours_out", text="Hours out?", kind="number"
    )
    mood = _mood(admin, programme)
    for i, (yes, out, weather) in enumerate([("no", "2", "sun"), ("yes", "3.5", "rain")]):
        member = MemberFactory(programme=programme)
        answer(member, friends, 0, "no", when(1))
        answer(member, friends, 6, yes, when(2 + i))
        answer(member, hours, 6, out, when(2 + i))
        answer(member, mood, 6, weather, when(2 + i))

    report = outcomes_of(programme, *MARCH)

    friend = _measure(report, f"q{friends.pk}")
    assert friend["share"] is True
    assert [(w["wave"], w["mean"]) for w in friend["waves"]] == [
        (0, Decimal("0.00")),
        (6, Decimal("0.50")),
    ]
    assert _counts(friend["changes"][0]["table"]) == {"worse": 0, "same": 1, "better": 1}
    assert _measure(report, f"q{hours.pk}")["waves"][0]["mean"] == Decimal("2.75")
    weather = _measure(report, f"q{mood.pk}")
    assert _counts(weather["waves"][0]["table"]) == {"sun": 1, "rain": 1}
    assert (weather["waves"][0]["mean"], weather["changes"]) == (None, [])


def test_an_outcome_improves_when_most_of_its_measures_do(surveyed):
    programme = surveyed["programme"]
    admin = admin_of(programme)
    outcome = outcome_create(actor=admin, programme=programme, name="Better wellbeing")
    indicator_create(
        actor=admin, outcome=outcome, name="Satisfied", question_ids=[built_in(*LIFE).pk]
    )
    indicator_create(
        actor=admin, outcome=outcome, name="Less anxious", question_ids=[built_in(*ANXIETY).pk]
    )

    report = outcomes_of(programme, *MARCH)

    (figures,) = report["outcomes"]
    # a: both better; b: same and worse (no clear change); c: better; d: worse; e: same.
    assert _counts(figures["table"]) == {"improved": 2, "same": 2, "worse": 1}
    assert [_counts(i["table"]) for i in figures["indicators"]] == [
        {"improved": 2, "same": 2, "worse": 1},
        {"improved": 1, "same": 0, "worse": 1},
    ]
    assert improved_by_outcome(programme, *MARCH) == {outcome.pk: {"paired": 5, "improved": 2}}


def test_an_organisation_counts_members_with_an_approved_contribution_there(surveyed, world):
    a, b, c, *_ = surveyed["members"]
    group_a, _ = world["groups"]
    garden = ActivityFactory(programme=world["programme"], organisation=group_a)
    give(a, session(garden, 4), 60)
    give(b, session(garden, 4), 60, status="pending")
    give(c, session(garden, 2, month=4), 60)  # after the period

    report = outcomes_of(world["programme"], *MARCH, organisation=group_a)

    (follow_up,) = _measure(report, "ons4.life_satisfaction")["waves"]
    assert (follow_up["table"].total["members"], follow_up["mean"]) == (1, Decimal("6.00"))


def test_an_answer_no_longer_among_the_choices_is_still_counted(world):
    programme = world["programme"]
    admin = admin_of(programme)
    mood = _mood(admin, programme)
    answer(MemberFactory(programme=programme), mood, 0, "sun", when(2))
    answer(MemberFactory(programme=programme), mood, 0, "rain", when(2))
    mood.choices = [["rain", "Rainy"], ["fog", "Foggy"]]
    mood.save()

    report = outcomes_of(programme, *MARCH)

    (wave,) = _measure(report, f"q{mood.pk}")["waves"]
    assert [(r["label"], r["values"]["members"]) for r in wave["table"].rows] == [
        ("Rainy", 1),
        ("Foggy", 0),
        ("Other: sun", 1),
    ]
    assert wave["table"].total == {"members": 2}


def _mood(admin, programme):
    """A programme's own choice question, with no order to its answers."""
    return custom_question_add(
        actor=admin,
        programme=programme,
        key="mood",
        text="Mood?",
        kind="choice",
        choices=[["sun", "Sunny"], ["rain", "Rainy"]],
    )
