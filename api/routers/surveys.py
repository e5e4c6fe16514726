"""Outcome surveys: a member's due surveys and answers; a programme admin's survey settings."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from api.schemas import LAX, InputSchema
from timecredits.errors import Invalid, NotFound
from timecredits.members.selectors import member_for_user
from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme
from timecredits.surveys.models import BASELINE, Outcome
from timecredits.surveys.selectors import (
    member_responses,
    programme_questions,
    survey_schedule,
    surveys_due,
)
from timecredits.surveys.services import (
    custom_question_add,
    indicator_create,
    outcome_create,
    responses_save,
    survey_schedule_update,
    swemwbs_registration_confirm,
)

me_router = Router(tags=["surveys"])
router = Router(tags=["surveys"])


class QuestionOut(Schema):
    id: int
    instrument: str
    key: str
    text: str
    kind: str
    min_value: int | None
    max_value: int | None
    min_label: str
    max_label: str
    point_labels: list[str]
    choices: list[list[str]] = Field(description="[value, label] pairs for a choice question.")


class InstrumentOut(Schema):
    key: str
    name: str
    preamble: str
    copyright: str


class DueSurveyOut(Schema):
    wave: str = Field(description='"baseline", or the months after joining of a follow-up.')
    due_at: datetime
    instruments: list[InstrumentOut]
    questions: list[QuestionOut]


class ResponsesIn(InputSchema):
    answers: dict[str, str | int | float | bool | None] = Field(
        description="Answer per question id; every question of the survey must be answered."
    )


class ResponsesOut(Schema):
    wave: str
    saved: int


def _question_out(q) -> QuestionOut:
    return QuestionOut(
        id=q.pk,
        instrument=q.instrument.key or q.instrument.name,
        key=q.key,
        text=q.text,
        kind=q.kind,
        min_value=q.min_value,
        max_value=q.max_value,
        min_label=q.min_label,
        max_label=q.max_label,
        point_labels=q.point_labels,
        choices=q.choices,
    )


def parse_wave(wave: str) -> int:
    if wave == "baseline":
        return BASELINE
    if wave.isdigit() and int(wave) > 0:
        return int(wave)
    raise NotFound(_('A wave is "baseline" or a number of months.'))


@me_router.get("/due", response=list[DueSurveyOut], summary="Surveys waiting for my answers")
def due(request):
    require(request.auth, Action.OWN_SURVEYS)
    member = member_for_user(user=request.auth)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    waves = surveys_due(member, timezone.now())
    if not waves:
        return []
    questions = programme_questions(programme=member.programme_id)
    instruments = list({q.instrument_id: q.instrument for q in questions}.values())
    return [
        DueSurveyOut(
            wave=w.name,
            due_at=w.due_at,
            instruments=[
                InstrumentOut(key=i.key, name=i.name, preamble=i.preamble, copyright=i.copyright)
                for i in instruments
            ],
            questions=[_question_out(q) for q in questions],
        )
        for w in waves
    ]


@me_router.post(
    "/{wave}/responses",
    response={201: ResponsesOut},
    summary="Answer a due survey (all answers or none are saved)",
)
def answer(request, wave: str, body: ResponsesIn):
    saved = responses_save(
        actor=request.auth, wave=parse_wave(wave), answers=body.answers, now=timezone.now()
    )
    return Status(201, ResponsesOut(wave=wave, saved=len(saved)))


class AnswerOut(Schema):
    question_id: int
    question_key: str
    wave: str
    value: str
    answered_at: datetime


@me_router.get("/responses", response=list[AnswerOut], summary="My own answers")
def my_answers(request):
    require(request.auth, Action.OWN_SURVEYS)
    member = member_for_user(user=request.auth)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    return [
        AnswerOut(
            question_id=r.question_id,
            question_key=r.question.key,
            wave="baseline" if r.wave == BASELINE else str(r.wave),
            value=r.value,
            answered_at=r.answered_at,
        )
        for r in member_responses(member=member)
    ]


class ScheduleOut(Schema):
    instrument_keys: list[str]
    instrument_ids: list[int]
    follow_up_months: list[int]
    swemwbs_registered: bool
    swemwbs_registered_on: date | None


class ScheduleIn(InputSchema):
    instrument_ids: list[int]
    follow_up_months: list[int] = Field(description="Months after joining, e.g. [3, 6, 12].")


class RegistrationIn(InputSchema):
    registered_on: date = Field(**LAX)
    confirm: bool = Field(description="Must be true: the programme has registered to use SWEMWBS.")


class OutcomeIn(InputSchema):
    name: str = Field(max_length=200)
    description: str = ""


class OutcomeOut(Schema):
    id: int
    name: str
    description: str


class IndicatorIn(InputSchema):
    name: str = Field(max_length=200)
    question_ids: list[int]


class IndicatorOut(Schema):
    id: int
    outcome_id: int
    name: str
    question_ids: list[int]


def _programme(actor, programme_id: int) -> Programme:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("There is no such programme."))
    require(actor, Action.PROGRAMME_SURVEYS_MANAGE, programme=programme)
    return programme


def _schedule_out(programme) -> ScheduleOut:
    schedule = survey_schedule(programme=programme)
    instruments = list(schedule.instruments.order_by("id")) if schedule else []
    return ScheduleOut(
        instrument_keys=[i.key for i in instruments],
        instrument_ids=[i.pk for i in instruments],
        follow_up_months=schedule.follow_up_months if schedule else [],
        swemwbs_registered=bool(schedule and schedule.swemwbs_registered),
        swemwbs_registered_on=schedule.swemwbs_registered_on if schedule else None,
    )


@router.get("/{programme_id}/surveys", response=ScheduleOut, summary="The programme's surveys")
def get_schedule(request, programme_id: int):
    return _schedule_out(_programme(request.auth, programme_id))


@router.put("/{programme_id}/surveys", response=ScheduleOut, summary="Choose surveys and waves")
def put_schedule(request, programme_id: int, body: ScheduleIn):
    programme = _programme(request.auth, programme_id)
    survey_schedule_update(
        actor=request.auth,
        programme=programme,
        instrument_ids=body.instrument_ids,
        follow_up_months=body.follow_up_months,
    )
    return _schedule_out(programme)


@router.post(
    "/{programme_id}/surveys/swemwbs-registration",
    response=ScheduleOut,
    summary="Confirm the programme has registered to use SWEMWBS",
)
def confirm_registration(request, programme_id: int, body: RegistrationIn):
    programme = _programme(request.auth, programme_id)
    if not body.confirm:
        raise Invalid(detail=[{"field": "confirm", "message": _("Confirm the registration.")}])
    swemwbs_registration_confirm(
        actor=request.auth,
        programme=programme,
        registered_on=body.registered_on,
        now=timezone.now(),
    )
    return _schedule_out(programme)


@router.post("/{programme_id}/outcomes", response={201: OutcomeOut}, summary="Add a valued outcome")
def add_outcome(request, programme_id: int, body: OutcomeIn):
    programme = _programme(request.auth, programme_id)
    outcome = outcome_create(
        actor=request.auth, programme=programme, name=body.name, description=body.description
    )
    return Status(
        201, OutcomeOut(id=outcome.pk, name=outcome.name, description=outcome.description)
    )


@router.post(
    "/{programme_id}/outcomes/{outcome_id}/indicators",
    response={201: IndicatorOut},
    summary="Add an indicator and the questions that measure it",
)
def add_indicator(request, programme_id: int, outcome_id: int, body: IndicatorIn):
    programme = _programme(request.auth, programme_id)
    outcome = Outcome.objects.filter(pk=outcome_id, programme=programme).first()
    if outcome is None:
        raise NotFound(_("There is no such outcome in this programme."))
    indicator = indicator_create(
        actor=request.auth, outcome=outcome, name=body.name, question_ids=body.question_ids
    )
    return Status(
        201,
        IndicatorOut(
            id=indicator.pk,
            outcome_id=outcome.pk,
            name=indicator.name,
            question_ids=sorted(q.pk for q in indicator.questions.all()),
        ),
    )


class CustomQuestionIn(InputSchema):
    key: str = Field(max_length=40)
    text: str
    kind: str = Field(description="scale, yes_no, number or choice")
    min_value: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    max_value: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    min_label: str = Field(default="", max_length=100)
    max_label: str = Field(default="", max_length=100)
    choices: list[list[str]] = Field(default=[], description="[value, label] pairs for choice.")


@router.post(
    "/{programme_id}/surveys/questions",
    response={201: QuestionOut},
    summary="Add a question of the programme's own",
)
def add_question(request, programme_id: int, body: CustomQuestionIn):
    programme = _programme(request.auth, programme_id)
    question = custom_question_add(actor=request.auth, programme=programme, **body.dict())
    return Status(201, _question_out(question))
