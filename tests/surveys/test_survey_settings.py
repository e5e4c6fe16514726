import datetime

import pytest

from tests.factories import ProgrammeFactory, ProgrammeRoleFactory
from tests.surveys.conftest import JOINED, join
from timecredits.errors import Conflict, Invalid, PermissionDenied
from timecredits.programmes.models import ProgrammeRole
from timecredits.surveys import use_cases
from timecredits.surveys.models import Indicator, Instrument, Outcome, Question, SurveySchedule
from timecredits.surveys.selectors import programme_questions, surveys_due
from timecredits.surveys.services import (
    indicator_create,
    outcome_create,
    survey_schedule_update,
    swemwbs_registration_confirm,
)

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def _ids(*keys):
    return list(Instrument.objects.filter(key__in=keys).values_list("pk", flat=True))


def test_an_admin_chooses_instruments_and_follow_ups(programme, admin):
    survey_schedule_update(
        actor=admin, programme=programme, instrument_ids=_ids("ucla3"), follow_up_months=[12, 6, 6]
    )

    schedule = SurveySchedule.objects.get(programme=programme)
    assert schedule.follow_up_months == [6, 12]
    assert [q.key for q in programme_questions(programme=programme)] == [
        "companionship",
        "left_out",
        "isolated",
    ]


@pytest.mark.parametrize("months", [[0], [121], [-3]])
def test_follow_up_months_must_be_sensible(programme, admin, months):
    with pytest.raises(Invalid):
        survey_schedule_update(
            actor=admin, programme=programme, instrument_ids=[], follow_up_months=months
        )

    assert SurveySchedule.objects.get(programme=programme).follow_up_months == [3, 6, 12]


def test_swemwbs_cannot_be_switched_on_without_confirming_registration(programme, admin):
    with pytest.raises(Invalid) as refused:
        survey_schedule_update(
            actor=admin, programme=programme, instrument_ids=_ids("swemwbs"), follow_up_months=[3]
        )

    assert refused.value.detail[0]["field"] == "instrument_ids"
    schedule = SurveySchedule.objects.get(programme=programme)
    assert sorted(schedule.instruments.values_list("key", flat=True)) == [
        "loneliness_direct",
        "ons4",
    ]
    assert schedule.follow_up_months == [3, 6, 12]


def test_swemwbs_is_asked_once_registration_is_confirmed(programme, admin):
    swemwbs_registration_confirm(
        actor=admin, programme=programme, registered_on=datetime.date(2026, 2, 1), now=NOW
    )
    survey_schedule_update(
        actor=admin, programme=programme, instrument_ids=_ids("swemwbs"), follow_up_months=[3]
    )

    schedule = SurveySchedule.objects.get(programme=programme)
    assert (schedule.swemwbs_registered, schedule.swemwbs_registered_on) == (
        True,
        datetime.date(2026, 2, 1),
    )
    assert (schedule.swemwbs_confirmed_by, schedule.swemwbs_confirmed_at) == (admin, NOW)
    assert len(programme_questions(programme=programme)) == 7


def test_a_registration_date_in_the_future_is_refused(programme, admin):
    with pytest.raises(Invalid):
        swemwbs_registration_confirm(
            actor=admin, programme=programme, registered_on=datetime.date(2026, 3, 2), now=NOW
        )

    assert SurveySchedule.objects.get(programme=programme).swemwbs_registered is False


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(1999, 12, 31)])
def test_a_registration_date_before_there_was_a_scale_is_refused(programme, admin, day):
    with pytest.raises(Invalid) as refused:
        swemwbs_registration_confirm(actor=admin, programme=programme, registered_on=day, now=NOW)

    assert refused.value.detail == [
        {"field": "registered_on", "message": "Use a date from 2000 on."}
    ]
    assert SurveySchedule.objects.get(programme=programme).swemwbs_registered is False


def test_swemwbs_chosen_behind_the_service_is_still_not_asked(programme, surveyed):
    SurveySchedule.objects.get(programme=programme).instruments.set(_ids("swemwbs"))

    assert programme_questions(programme=programme) == []
    assert surveys_due(surveyed, JOINED) == []


def test_only_the_programmes_admin_changes_its_surveys(programme):
    other_admin = ProgrammeRoleFactory(
        programme=ProgrammeFactory(), role=ProgrammeRole.Role.ADMIN
    ).user
    commissioner = ProgrammeRoleFactory(programme=programme).user
    member = join(programme)

    for actor in (other_admin, commissioner, member.user):
        with pytest.raises(PermissionDenied):
            use_cases.survey_schedule_update(
                actor=actor, programme_id=programme.pk, instrument_ids=[], follow_up_months=[]
            )
        with pytest.raises(PermissionDenied):
            use_cases.swemwbs_registration_confirm(
                actor=actor, programme_id=programme.pk, registered_on=NOW.date(), now=NOW
            )

    schedule = SurveySchedule.objects.get(programme=programme)
    assert (schedule.instruments.count(), schedule.swemwbs_registered) == (2, False)


def test_an_outcome_with_an_indicator_measured_by_questions(programme, admin):
    outcome = outcome_create(
        actor=admin, programme=programme, name="Less lonely", description="Members feel connected."
    )
    questions = list(Question.objects.filter(instrument__key="ucla3").order_by("pk"))

    indicator = indicator_create(
        actor=admin,
        outcome=outcome,
        name="Feels less isolated",
        question_ids=[q.pk for q in questions],
    )

    assert list(indicator.questions.order_by("pk")) == questions
    assert [o.name for o in programme.outcomes.all()] == ["Less lonely"]


def test_an_indicator_cannot_use_another_programmes_custom_question(programme, admin):
    other = ProgrammeFactory()
    custom = Instrument.objects.create(name="Their questions", programme=other)
    theirs = Question.objects.create(instrument=custom, key="q", text="Theirs?", kind="yes_no")
    outcome = outcome_create(actor=admin, programme=programme, name="Confidence")

    with pytest.raises(Invalid):
        indicator_create(actor=admin, outcome=outcome, name="Tries", question_ids=[theirs.pk])

    assert Indicator.objects.count() == 0


def test_an_outcome_name_is_used_once_per_programme(programme, admin):
    outcome_create(actor=admin, programme=programme, name="Confidence")

    with pytest.raises(Conflict):
        outcome_create(actor=admin, programme=programme, name="Confidence")

    assert Outcome.objects.count() == 1


def test_todays_registration_date_is_taken_just_after_midnight_in_summer(programme, admin):
    # 00:30 on 15 July in London is 23:30 on 14 July in UTC: "today" is the local day.
    just_after_midnight = datetime.datetime(2026, 7, 14, 23, 30, tzinfo=datetime.UTC)

    swemwbs_registration_confirm(
        actor=admin,
        programme=programme,
        registered_on=datetime.date(2026, 7, 15),
        now=just_after_midnight,
    )

    schedule = SurveySchedule.objects.get(programme=programme)
    assert schedule.swemwbs_registered_on == datetime.date(2026, 7, 15)
