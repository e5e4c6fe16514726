from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import UserFactory
from tests.surveys.conftest import JOINED, full_answers, join
from timecredits.errors import Conflict, Invalid, PermissionDenied
from timecredits.surveys import use_cases
from timecredits.surveys.models import Question, Response
from timecredits.surveys.selectors import surveys_due
from timecredits.surveys.services import answer_clean, responses_save


def _q(key):
    return Question.objects.get(key=key)


def test_a_member_answers_their_baseline(surveyed, programme):
    answers = full_answers(programme, life_satisfaction="9", anxiety="2", how_often_lonely="4")

    saved = responses_save(actor=surveyed.user, wave=0, answers=answers, now=JOINED)

    assert len(saved) == 5
    stored = {r.question.key: (r.value, r.number, r.wave) for r in Response.objects.all()}
    assert stored["life_satisfaction"] == ("9", 9, 0)
    assert stored["anxiety"] == ("2", 2, 0)
    assert stored["how_often_lonely"] == ("4", 4, 0)
    assert set(Response.objects.values_list("member", flat=True)) == {surveyed.pk}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("life_satisfaction", "11"),
        ("anxiety", "-1"),
        ("happiness", "5.5"),
        ("worthwhile", "x"),
        ("how_often_lonely", "6"),
        ("happiness", ""),
    ],
)
def test_one_invalid_answer_saves_nothing(surveyed, programme, key, value):
    answers = full_answers(programme, **{key: value})

    with pytest.raises(Invalid) as refused:
        responses_save(actor=surveyed.user, wave=0, answers=answers, now=JOINED)

    assert [p["field"] for p in refused.value.detail] == [str(_q(key).pk)]
    assert Response.objects.count() == 0


def test_a_missing_answer_saves_nothing(surveyed, programme):
    answers = full_answers(programme)
    del answers[str(_q("anxiety").pk)]

    with pytest.raises(Invalid):
        responses_save(actor=surveyed.user, wave=0, answers=answers, now=JOINED)

    assert Response.objects.count() == 0


def test_an_answer_to_a_question_not_asked_saves_nothing(surveyed, programme):
    answers = full_answers(programme) | {str(_q("optimistic").pk): "3"}  # SWEMWBS: not asked

    with pytest.raises(Invalid) as refused:
        responses_save(actor=surveyed.user, wave=0, answers=answers, now=JOINED)

    assert refused.value.detail == [
        {"field": str(_q("optimistic").pk), "message": "This question is not in your survey."}
    ]
    assert Response.objects.count() == 0


def test_a_wave_cannot_be_answered_twice(surveyed, programme):
    responses_save(actor=surveyed.user, wave=0, answers=full_answers(programme), now=JOINED)

    with pytest.raises(Conflict):
        responses_save(
            actor=surveyed.user, wave=0, answers=full_answers(programme, happiness="1"), now=JOINED
        )

    assert Response.objects.get(question__key="happiness").value == "7"


def test_the_same_answers_sent_again_moments_later_are_the_answers_saved(surveyed, programme):
    """A double tap on Send: the second answered 409, 'You have already answered this survey'."""
    first = responses_save(actor=surveyed.user, wave=0, answers=full_answers(programme), now=JOINED)

    again = responses_save(actor=surveyed.user, wave=0, answers=full_answers(programme), now=JOINED)

    assert sorted(r.pk for r in again) == sorted(r.pk for r in first)
    assert Response.objects.count() == len(first)


def test_a_follow_up_cannot_be_answered_before_it_is_due(surveyed, programme):
    with pytest.raises(Conflict):
        responses_save(actor=surveyed.user, wave=3, answers=full_answers(programme), now=JOINED)

    assert Response.objects.count() == 0


def test_a_member_who_withdrew_consent_cannot_answer(programme):
    member = join(programme, consent=False)

    with pytest.raises(Conflict):
        responses_save(actor=member.user, wave=0, answers=full_answers(programme), now=JOINED)

    assert Response.objects.count() == 0


def test_answers_always_belong_to_the_signed_in_member(surveyed, programme):
    other = join(programme)

    responses_save(actor=other.user, wave=0, answers=full_answers(programme), now=JOINED)

    assert set(Response.objects.values_list("member", flat=True)) == {other.pk}
    assert [w.wave for w in surveys_due(surveyed, JOINED)] == [0]


def test_someone_without_a_member_profile_cannot_answer(programme):
    with pytest.raises(PermissionDenied):
        use_cases.responses_save(actor=UserFactory(), wave=0, answers={}, now=JOINED)


def test_an_anonymous_visitor_cannot_answer(programme):
    with pytest.raises(PermissionDenied):
        use_cases.responses_save(actor=AnonymousUser(), wave=0, answers={}, now=JOINED)


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("yes_no", "Yes", ("yes", 1)),
        ("yes_no", "no", ("no", 0)),
        ("number", "2.5", ("2.5", 2.5)),
        ("number", "40", ("40", 40)),
    ],
)
def test_answer_clean_for_custom_kinds(kind, raw, stored):
    question = Question(kind=kind, min_value=0, max_value=168 if kind == "number" else None)

    value, number = answer_clean(question, raw)

    assert (value, float(number)) == stored


@pytest.mark.parametrize(
    ("kind", "raw"), [("yes_no", "maybe"), ("number", "200"), ("number", "NaN")]
)
def test_answer_clean_refuses(kind, raw):
    with pytest.raises(ValueError):
        answer_clean(Question(kind=kind, min_value=0, max_value=168), raw)


@pytest.mark.parametrize("raw", ["1e30", "10000000000", "-10000000000"])
def test_a_number_answer_beyond_what_is_stored_is_refused(raw):
    question = Question(kind=Question.Kind.NUMBER)

    with pytest.raises(ValueError, match=r"Answer with a smaller number\."):
        answer_clean(question, raw)


def test_the_largest_number_answer_stored(db):
    question = Question(kind=Question.Kind.NUMBER)

    assert answer_clean(question, "9999999999.99") == ("9999999999.99", Decimal("9999999999.99"))
