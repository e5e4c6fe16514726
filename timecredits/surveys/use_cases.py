"""What people do with outcome surveys, for pages and API alike: a member answers the surveys due
and reads their answers; a programme admin chooses the surveys, confirms the SWEMWBS registration
and sets outcomes, indicators and questions of their own. Each use case takes the acting user and
plain values, checks permission once, loads what it needs and returns what the caller renders."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.errors import Invalid, NotFound
from timecredits.members.selectors import member_for_user
from timecredits.permissions import Action, permitted_programme, require

from . import services
from .models import BASELINE
from .selectors import (
    DueWave,
    instruments_offered,
    member_responses,
    programme_outcome,
    programme_outcomes,
    programme_questions,
    survey_schedule,
    surveys_due,
)
from .selectors import wave_name as wave_name  # for the API, which names waves


def wave_number(name: str) -> int:
    """ "baseline" -> 0, "6" -> 6: a wave as the API names it."""
    if name == "baseline":
        return BASELINE
    if name.isdigit() and int(name) > 0:
        return int(name)
    raise NotFound(_('A wave is "baseline" or a number of months.'))


def _member(actor):
    require(actor, Action.OWN_SURVEYS)
    member = member_for_user(user=actor)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    return member


@dataclass(frozen=True)
class DueSurveys:
    """The waves a member owes now, and the questions each asks (none when nothing is due)."""

    waves: list[DueWave]
    questions: list = field(default_factory=list)

    @property
    def instruments(self) -> list:
        return list({q.instrument_id: q.instrument for q in self.questions}.values())


def due_surveys(*, actor) -> DueSurveys:
    member = _member(actor)
    waves = surveys_due(member, timezone.now())
    if not waves:
        return DueSurveys(waves=[])
    return DueSurveys(waves=waves, questions=programme_questions(programme=member.programme_id))


def responses_save(*, actor, wave: int, answers: dict, now: datetime.datetime) -> list:
    """Save the signed-in member's answers for one due wave, all or nothing."""
    require(actor, Action.OWN_SURVEYS)
    return services.responses_save(actor=actor, wave=wave, answers=answers, now=now)


def my_responses(*, actor):
    return member_responses(member=_member(actor))


def _programme(actor, programme_id: int):
    return permitted_programme(actor, Action.PROGRAMME_SURVEYS_MANAGE, programme_id)


@dataclass(frozen=True)
class SurveySettings:
    """A programme's survey schedule (None until first set) and the instruments it asks."""

    schedule: object
    instruments: list


def _settings(programme) -> SurveySettings:
    schedule = survey_schedule(programme=programme)
    instruments = list(schedule.instruments.order_by("id")) if schedule else []
    return SurveySettings(schedule=schedule, instruments=instruments)


def survey_settings_show(*, actor, programme_id: int) -> SurveySettings:
    return _settings(_programme(actor, programme_id))


def survey_schedule_update(
    *, actor, programme_id: int, instrument_ids: list[int], follow_up_months: list[int]
) -> SurveySettings:
    """Choose the instruments asked and the follow-up months; the settings as they now are."""
    programme = _programme(actor, programme_id)
    services.survey_schedule_update(
        actor=actor,
        programme=programme,
        instrument_ids=instrument_ids,
        follow_up_months=follow_up_months,
    )
    return _settings(programme)


def swemwbs_registration_confirm(
    *,
    actor,
    programme_id: int,
    registered_on: datetime.date,
    confirm: bool = True,
    now: datetime.datetime,
) -> SurveySettings:
    """Record that the programme has registered to use SWEMWBS, once the admin confirms it."""
    programme = _programme(actor, programme_id)
    if not confirm:
        raise Invalid(detail=[{"field": "confirm", "message": _("Confirm the registration.")}])
    services.swemwbs_registration_confirm(
        actor=actor, programme=programme, registered_on=registered_on, now=now
    )
    return _settings(programme)


def outcome_create(*, actor, programme_id: int, name: str, description: str = ""):
    return services.outcome_create(
        actor=actor,
        programme=_programme(actor, programme_id),
        name=name,
        description=description,
    )


def indicator_create(*, actor, programme_id: int, outcome_id, name: str, question_ids: list[int]):
    """An indicator of one of the programme's outcomes, measured by questions it can ask."""
    programme = _programme(actor, programme_id)
    outcome = programme_outcome(programme=programme, outcome_id=outcome_id)
    if outcome is None:
        raise NotFound(_("There is no such outcome in this programme."))
    return services.indicator_create(
        actor=actor, outcome=outcome, name=name, question_ids=question_ids
    )


def custom_question_add(*, actor, programme_id: int, **question):
    """A question of the programme's own, added to its custom instrument."""
    return services.custom_question_add(
        actor=actor, programme=_programme(actor, programme_id), **question
    )


class SurveySettingsPage:
    """Everything a programme admin's survey page shows, read when the page is drawn (after
    any change the same request made)."""

    def __init__(self, programme):
        self.programme = programme

    @cached_property
    def schedule(self):
        return survey_schedule(programme=self.programme)

    @property
    def chosen(self) -> set:
        if self.schedule is None:
            return set()
        return set(self.schedule.instruments.values_list("pk", flat=True))

    @property
    def instruments(self):
        return instruments_offered(programme=self.programme)

    @property
    def asked(self) -> list:
        return programme_questions(programme=self.programme)

    @property
    def outcomes(self):
        return programme_outcomes(programme=self.programme)


def survey_settings_page(*, actor, programme_id: int) -> SurveySettingsPage:
    return SurveySettingsPage(_programme(actor, programme_id))
