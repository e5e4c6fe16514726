import datetime

from tests.surveys.conftest import full_answers, join
from timecredits.surveys.models import Instrument, Response, SurveySchedule


def _now_joined(programme, **kwargs):
    return join(programme, joined_at=datetime.datetime.now(datetime.UTC), **kwargs)


def test_due_surveys_list_the_baseline_and_its_questions(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    response = client.get("/api/v1/me/surveys/due")

    assert response.status_code == 200
    (due,) = response.json()
    assert due["wave"] == "baseline"
    assert [i["key"] for i in due["instruments"]] == ["ons4", "loneliness_direct"]
    assert [q["key"] for q in due["questions"]] == [
        "life_satisfaction",
        "worthwhile",
        "happiness",
        "anxiety",
        "how_often_lonely",
    ]
    assert due["questions"][0]["min_value"] == 0 and due["questions"][0]["max_value"] == 10


def test_nothing_is_due_without_consent(client, programme):
    member = _now_joined(programme, consent=False)
    client.force_login(member.user)

    assert client.get("/api/v1/me/surveys/due").json() == []


def test_answering_the_baseline(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    response = client.post(
        "/api/v1/me/surveys/baseline/responses",
        {"answers": full_answers(programme)},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json() == {"wave": "baseline", "saved": 5}
    assert Response.objects.filter(member=member, wave=0).count() == 5
    assert client.get("/api/v1/me/surveys/due").json() == []


def test_an_invalid_answer_is_422_with_field_errors_and_nothing_saved(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)
    answers = full_answers(programme, anxiety="12")
    anxiety_id = next(k for k, v in answers.items() if v == "12")

    response = client.post(
        "/api/v1/me/surveys/baseline/responses",
        {"answers": answers},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["detail"] == [
        {"field": anxiety_id, "message": "Answer with a number from 0 to 10."}
    ]
    assert Response.objects.count() == 0


def test_a_wave_not_due_is_409_and_an_unknown_wave_404(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)
    body = {"answers": full_answers(programme)}

    not_due = client.post("/api/v1/me/surveys/3/responses", body, content_type="application/json")
    unknown = client.post(
        "/api/v1/me/surveys/later/responses", body, content_type="application/json"
    )

    assert (not_due.status_code, unknown.status_code) == (409, 404)
    assert Response.objects.count() == 0


def test_a_member_only_ever_answers_as_themself(client, programme):
    me, other = _now_joined(programme), _now_joined(programme)
    client.force_login(me.user)

    client.post(
        "/api/v1/me/surveys/baseline/responses",
        {"answers": full_answers(programme), "member_id": other.pk},
        content_type="application/json",
    )

    assert set(Response.objects.values_list("member", flat=True)) == {me.pk}


def test_an_admin_sets_the_schedule_and_confirms_swemwbs(client, programme, admin):
    client.force_login(admin)
    swemwbs = Instrument.objects.get(key="swemwbs").pk

    refused = client.put(
        f"/api/v1/programmes/{programme.pk}/surveys",
        {"instrument_ids": [swemwbs], "follow_up_months": [6]},
        content_type="application/json",
    )
    confirmed = client.post(
        f"/api/v1/programmes/{programme.pk}/surveys/swemwbs-registration",
        {"registered_on": "2026-01-15", "confirm": True},
        content_type="application/json",
    )
    saved = client.put(
        f"/api/v1/programmes/{programme.pk}/surveys",
        {"instrument_ids": [swemwbs], "follow_up_months": [6]},
        content_type="application/json",
    )

    assert refused.status_code == 422
    assert confirmed.status_code == 200
    assert saved.json() == {
        "instrument_keys": ["swemwbs"],
        "instrument_ids": [swemwbs],
        "follow_up_months": [6],
        "swemwbs_registered": True,
        "swemwbs_registered_on": "2026-01-15",
    }
    assert SurveySchedule.objects.get(programme=programme).swemwbs_confirmed_by == admin


def test_an_admin_defines_an_outcome_and_indicator(client, programme, admin):
    client.force_login(admin)
    question = Instrument.objects.get(key="loneliness_direct").questions.get()

    outcome = client.post(
        f"/api/v1/programmes/{programme.pk}/outcomes",
        {"name": "Less lonely"},
        content_type="application/json",
    )
    indicator = client.post(
        f"/api/v1/programmes/{programme.pk}/outcomes/{outcome.json()['id']}/indicators",
        {"name": "Lonely less often", "question_ids": [question.pk]},
        content_type="application/json",
    )

    assert outcome.status_code == 201
    assert indicator.status_code == 201
    assert indicator.json()["question_ids"] == [question.pk]


def test_a_member_sees_only_their_own_answers(client, programme):
    me, other = _now_joined(programme), _now_joined(programme)
    for member, happiness in ((me, "9"), (other, "2")):
        client.force_login(member.user)
        client.post(
            "/api/v1/me/surveys/baseline/responses",
            {"answers": full_answers(programme, happiness=happiness)},
            content_type="application/json",
        )
    client.force_login(me.user)

    answers = client.get("/api/v1/me/surveys/responses").json()

    assert len(answers) == 5
    assert {a["wave"] for a in answers} == {"baseline"}
    assert next(a["value"] for a in answers if a["question_key"] == "happiness") == "9"
    assert Response.objects.filter(member=other).count() == 5
