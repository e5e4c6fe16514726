"""Outcome surveys: a member's due surveys and answers; a programme admin's survey settings."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from api.schemas import LAX, InputSchema
from timecredits.surveys import use_cases

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


@me_router.get("/due", response=list[DueSurveyOut], summary="Surveys waiting for my answers")
def due(request):
    due = use_cases.due_surveys(actor=request.auth)
    instruments = [
        InstrumentOut(key=i.key, name=i.name, preamble=i.preamble, copyright=i.copyright)
        for i in due.instruments
    ]
    questions = [_question_out(q) for q in due.questions]
    return [
        DueSurveyOut(wave=w.name, due_at=w.due_at, instruments=instruments, questions=questions)
        for w in due.waves
    ]


@me_router.post(
    "/{wave}/responses",
    response={201: ResponsesOut},
    summary="Answer a due survey (all answers or none are saved)",
)
def answer(request, wave: str, body: ResponsesIn):
    saved = use_cases.responses_save(
        actor=request.auth,
        wave=use_cases.wave_number(wave),
        answers=body.answers,
        now=timezone.now(),
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
    return [
        AnswerOut(
            question_id=r.question_id,
            question_key=r.question.key,
            wave=use_cases.wave_name(r.wave),
            value=r.value,
            answered_at=r.answered_at,
        )
        for r in use_cases.my_responses(actor=request.auth)
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


def _schedule_out(settings) -> ScheduleOut:
    schedule = settings.schedule
    return ScheduleOut(
        instrument_keys=[i.key for i in settings.instruments],
        instrument_ids=[i.pk for i in settings.instruments],
        follow_up_months=schedule.follow_up_months if schedule else [],
        swemwbs_registered=bool(schedule and schedule.swemwbs_registered),
        swemwbs_registered_on=schedule.swemwbs_registered_on if schedule else None,
    )


@router.get("/{programme_id}/surveys", response=ScheduleOut, summary="The programme's surveys")
def get_schedule(request, programme_id: int):
    return _schedule_out(
        use_cases.survey_settings_show(actor=request.auth, programme_id=programme_id)
    )


@router.put("/{programme_id}/surveys", response=ScheduleOut, summary="Choose surveys and waves")
def put_schedule(request, programme_id: int, body: ScheduleIn):
    settings = use_cases.survey_schedule_update(
        actor=request.auth,
        programme_id=programme_id,
        instrument_ids=body.instrument_ids,
        follow_up_months=body.follow_up_months,
    )
    return _schedule_out(settings)


@router.post(
    "/{programme_id}/surveys/swemwbs-registration",
    response=ScheduleOut,
    summary="Confirm the programme has registered to use SWEMWBS",
)
def confirm_registration(request, programme_id: int, body: RegistrationIn):
    settings = use_cases.swemwbs_registration_confirm(
        actor=request.auth,
        programme_id=programme_id,
        registered_on=body.registered_on,
        confirm=body.confirm,
        now=timezone.now(),
    )
    return _schedule_out(settings)


@router.post("/{programme_id}/outcomes", response={201: OutcomeOut}, summary="Add a valued outcome")
def add_outcome(request, programme_id: int, body: OutcomeIn):
    outcome = use_cases.outcome_create(
        actor=request.auth, programme_id=programme_id, name=body.name, description=body.description
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
    indicator = use_cases.indicator_create(
        actor=request.auth,
        programme_id=programme_id,
        outcome_id=outcome_id,
        name=body.name,
        question_ids=body.question_ids,
    )
    return Status(
        201,
        IndicatorOut(
            id=indicator.pk,
            outcome_id=outcome_id,
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
    question = use_cases.custom_question_add(
        actor=request.auth, programme_id=programme_id, **body.dict()
    )
    return Status(201, _question_out(question))
