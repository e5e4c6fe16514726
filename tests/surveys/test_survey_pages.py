import datetime

import pytest

from tests.surveys.conftest import full_answers, join
from timecredits.surveys.instruments import SWEMWBS_COPYRIGHT
from timecredits.surveys.models import Instrument, Outcome, Question, Response, SurveySchedule


def _main(html: str) -> str:
    """The page's own content: the shell around it loads the app's scripts on every page."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _now_joined(programme, **kwargs):
    return join(programme, joined_at=datetime.datetime.now(datetime.UTC), **kwargs)


def _form(answers):
    return {f"q{k}": v for k, v in answers.items()}


def test_the_home_and_profile_pages_link_to_a_due_survey(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    assert b'href="/me/survey/"' in client.get("/").content
    assert b'href="/me/survey/"' in client.get("/me/").content


def test_no_link_without_consent(client, programme):
    member = _now_joined(programme, consent=False)
    client.force_login(member.user)

    assert b'href="/me/survey/"' not in client.get("/").content
    assert b"No survey to answer" in client.get("/me/survey/").content


def test_the_survey_page_is_a_plain_form_of_radio_buttons(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    page = client.get("/me/survey/").content.decode()

    assert page.count("<fieldset") == 5
    assert page.count('type="radio"') == 4 * 11 + 5
    assert "<script" not in _main(page)
    assert "Overall, how satisfied are you with your life nowadays?" in page


def test_answering_on_the_page_saves_and_thanks(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    response = client.post("/me/survey/", _form(full_answers(programme)))

    assert response.status_code == 302
    assert Response.objects.filter(member=member, wave=0).count() == 5


def test_an_invalid_answer_on_the_page_is_422_and_saves_nothing(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)
    answers = full_answers(programme)
    del answers[str(Question.objects.get(key="happiness").pk)]

    response = client.post("/me/survey/", _form(answers))

    assert response.status_code == 422
    assert b"Please answer this question." in response.content
    assert b'value="7" checked' in response.content  # answers given so far are kept
    assert Response.objects.count() == 0


def test_swemwbs_questions_show_their_copyright_line(client, programme):
    schedule = SurveySchedule.objects.get(programme=programme)
    schedule.swemwbs_registered = True
    schedule.swemwbs_registered_on = datetime.date(2026, 1, 1)
    schedule.swemwbs_confirmed_by = join(programme).user
    schedule.swemwbs_confirmed_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    schedule.save()
    schedule.instruments.add(Instrument.objects.get(key="swemwbs"))
    member = _now_joined(programme)
    client.force_login(member.user)

    page = client.get("/me/survey/").content.decode()

    assert "I&#x27;ve been feeling useful" in page
    assert SWEMWBS_COPYRIGHT in page


def test_the_admin_page_shows_the_swemwbs_copyright_and_refuses_it_unregistered(
    client, programme, admin
):
    client.force_login(admin)
    swemwbs = Instrument.objects.get(key="swemwbs")

    page = client.get(f"/programmes/{programme.pk}/admin/surveys/")
    refused = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "schedule", "instruments": [swemwbs.pk], "follow_up_months": "3 6"},
    )

    assert SWEMWBS_COPYRIGHT in page.content.decode()
    assert refused.status_code == 422
    assert b"Confirm that the programme has registered to use SWEMWBS first." in refused.content
    assert SurveySchedule.objects.get(programme=programme).follow_up_months == [3, 6, 12]


def test_a_refused_change_shows_what_was_typed_not_what_is_saved(client, programme, admin):
    # The page came back with the saved 3 6 12 and the saved ticks: it looked as if nothing
    # needed changing. An outcome's description was lost the same way.
    client.force_login(admin)

    schedule = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "schedule", "follow_up_months": "0 6"},
    ).content.decode()
    outcome = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "outcome", "name": "", "description": "Feeling part of the street"},
    ).content.decode()

    assert 'name="follow_up_months" id="follow-up-months"' in schedule
    assert 'value="0 6"' in schedule
    assert "Feeling part of the street</textarea>" in outcome
    assert SurveySchedule.objects.get(programme=programme).follow_up_months == [3, 6, 12]


def test_the_admin_confirms_registration_then_switches_swemwbs_on(client, programme, admin):
    client.force_login(admin)
    swemwbs = Instrument.objects.get(key="swemwbs")

    unticked = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "swemwbs", "registered_on": "2026-01-10"},
    )
    confirmed = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "swemwbs", "registered_on": "2026-01-10", "confirm": "yes"},
    )
    saved = client.post(
        f"/programmes/{programme.pk}/admin/surveys/",
        {"action": "schedule", "instruments": [swemwbs.pk], "follow_up_months": "6, 12"},
    )

    assert (unticked.status_code, confirmed.status_code, saved.status_code) == (422, 302, 302)
    schedule = SurveySchedule.objects.get(programme=programme)
    assert schedule.swemwbs_confirmed_by == admin
    assert list(schedule.instruments.values_list("key", flat=True)) == ["swemwbs"]
    assert schedule.follow_up_months == [6, 12]


def test_a_member_cannot_open_the_admin_page(client, programme):
    member = _now_joined(programme)
    client.force_login(member.user)

    assert client.get(f"/programmes/{programme.pk}/admin/surveys/").status_code == 403


@pytest.mark.parametrize(
    "posted",
    [
        {"action": "schedule", "instruments": ["abc"], "follow_up_months": "3 6"},
        {"action": "schedule", "instruments": ["²"], "follow_up_months": "3 6"},
        {"action": "schedule", "instruments": [str(10**30)], "follow_up_months": "3 6"},
        {"action": "indicator", "outcome": "1", "name": "n", "questions": ["x"]},
    ],
)
def test_the_admin_page_refuses_ids_that_are_not_ids_and_changes_nothing(
    client, programme, admin, posted
):
    # These were server errors: the page read the ticked ids with int().
    client.force_login(admin)
    before = list(SurveySchedule.objects.values_list("follow_up_months", flat=True))

    refused = client.post(f"/programmes/{programme.pk}/admin/surveys/", posted)

    assert refused.status_code == 422
    assert b"Choose from the list." in refused.content
    assert list(SurveySchedule.objects.values_list("follow_up_months", flat=True)) == before


@pytest.mark.parametrize(
    "posted",
    [
        {"action": "outcome", "name": "n" * 201},
        {"action": "outcome", "name": "Less lonely", "description": "d" * 2001},
    ],
)
def test_an_outcome_too_long_is_refused_and_nothing_is_added(client, programme, admin, posted):
    # 10,000 characters were stored on SQLite, and were a server error on PostgreSQL, whose
    # column holds 200.
    client.force_login(admin)

    refused = client.post(f"/programmes/{programme.pk}/admin/surveys/", posted)

    assert refused.status_code == 422
    assert b"Use at most" in refused.content
    assert not Outcome.objects.exists()


def test_an_indicators_built_in_questions_are_in_the_page_language(client, programme, admin):
    # The checkboxes were in Welsh, and the list of what each indicator asks just above them
    # in English.
    from django.conf import settings

    from timecredits.surveys.services import indicator_create

    question = Question.objects.get(instrument__key="loneliness_direct", key="how_often_lonely")
    outcome = Outcome.objects.create(programme=programme, name="Lles")
    indicator_create(actor=admin, outcome=outcome, name="Hapusrwydd", question_ids=[question.pk])
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    page = client.get(f"/programmes/{programme.pk}/admin/surveys/").content.decode()
    listed = page.split("Hapusrwydd", 1)[1].split("</li>", 1)[0]

    assert question.text not in listed
