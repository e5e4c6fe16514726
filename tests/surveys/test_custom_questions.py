import pytest

from tests.racing import second_waits_for_first
from tests.surveys.conftest import JOINED, full_answers
from timecredits.errors import Invalid
from timecredits.surveys.models import Instrument, Question, Response, SurveySchedule
from timecredits.surveys.services import (
    custom_question_add,
    responses_save,
    survey_schedule_update,
)


def test_custom_questions_are_asked_once_their_instrument_is_chosen(programme, admin, surveyed):
    hours = custom_question_add(
        actor=admin,
        programme=programme,
        key="hours_out",
        text="Hours out last week?",
        kind="number",
        min_value=0,
        max_value=168,
    )
    club = custom_question_add(
        actor=admin,
        programme=programme,
        key="club",
        text="Do you belong to a club?",
        kind="yes_no",
    )
    schedule = SurveySchedule.objects.get(programme=programme)
    survey_schedule_update(
        actor=admin,
        programme=programme,
        instrument_ids=[*schedule.instruments.values_list("pk", flat=True), hours.instrument_id],
        follow_up_months=[3],
    )

    answers = full_answers(programme) | {str(hours.pk): "12.5", str(club.pk): "yes"}
    responses_save(actor=surveyed.user, wave=0, answers=answers, now=JOINED)

    assert hours.instrument == club.instrument and hours.instrument.programme == programme
    assert Response.objects.get(question=hours).value == "12.5"
    assert Response.objects.get(question=club).value == "yes"


def test_a_choice_question_needs_two_answers(programme, admin):
    with pytest.raises(Invalid):
        custom_question_add(
            actor=admin,
            programme=programme,
            key="mood",
            text="Mood?",
            kind="choice",
            choices=[["1", "Good"]],
        )

    assert not Question.objects.filter(key="mood").exists()


def test_a_custom_question_over_the_api(client, programme, admin):
    client.force_login(admin)

    response = client.post(
        f"/api/v1/programmes/{programme.pk}/surveys/questions",
        {
            "key": "confidence",
            "text": "How confident do you feel?",
            "kind": "scale",
            "min_value": 1,
            "max_value": 5,
            "min_label": "Not at all",
            "max_label": "Very",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "scale"
    assert Question.objects.get(key="confidence").instrument.programme == programme


def test_a_scale_beyond_what_is_stored_is_422_and_adds_nothing(client, programme, admin):
    client.force_login(admin)

    response = client.post(
        f"/api/v1/programmes/{programme.pk}/surveys/questions",
        {"key": "huge", "text": "?", "kind": "scale", "min_value": 2**40, "max_value": 2**40 + 5},
        content_type="application/json",
    )

    assert response.status_code == 422, response.content
    assert sorted(d["field"] for d in response.json()["error"]["detail"]) == [
        "max_value",
        "min_value",
    ]
    assert not Question.objects.filter(key="huge").exists()


def _question(admin, programme, key: str):
    return custom_question_add(
        actor=admin, programme=programme, key=key, text="Out this week?", kind="yes_no"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_question_waits_for_another_first_question_making_the_instrument(
    programme, admin
):
    """Two first questions at once (found by fuzzing the API: six sent at once made two
    instruments, the question in each, and every later question was a 500): the second waits
    for the first to commit its instrument, then adds to it."""
    waited, failures = second_waits_for_first(
        lambda: _question(admin, programme, "out"), lambda: _question(admin, programme, "again")
    )

    assert failures == []
    assert waited
    assert Instrument.objects.filter(programme=programme).count() == 1
    assert Question.objects.filter(instrument__programme=programme).count() == 2


def test_a_programme_left_with_two_instruments_of_its_own_still_takes_questions(programme, admin):
    first = _question(admin, programme, "out").instrument
    Instrument.objects.create(programme=programme, built_in=False, name="A second one")

    assert _question(admin, programme, "later").instrument == first
