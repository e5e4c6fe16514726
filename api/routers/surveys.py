"""Outcome surveys: a member's due surveys and answers; a programme admin's survey settings."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from api.routes import create_route
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

    @staticmethod
    def resolve_instrument(question) -> str:
        return question.instrument.key or question.instrument.name


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


@me_router.get("/due", response=list[DueSurveyOut], summary="Surveys waiting for my answers")
def due(request):
    due = use_cases.due_surveys(actor=request.auth)
    asked = {"instruments": due.instruments, "questions": due.questions}
    return [{"wave": w.name, "due_at": w.due_at, **asked} for w in due.waves]


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
    return ResponsesOut(wave=wave, saved=len(saved))


class AnswerOut(Schema):
    question_id: int
    question_key: str = Field(alias="question.key")
    wave: str
    value: str
    answered_at: datetime

    @staticmethod
    def resolve_wave(response) -> str:
        return use_cases.wave_name(response.wave)


@me_router.get("/responses", response=list[AnswerOut], summary="My own answers")
def my_answers(request):
    return use_cases.my_responses(actor=request.auth)


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

    @staticmethod
    def resolve_question_ids(indicator) -> list[int]:
        return sorted(q.pk for q in indicator.questions.all())


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
        actor=request.auth, programme_id=programme_id, **body.dict()
    )
    return _schedule_out(settings)


@router.post(
    "/{programme_id}/surveys/swemwbs-registration",
    response=ScheduleOut,
    summary="Confirm the programme has registered to use SWEMWBS",
)
def confirm_registration(request, programme_id: int, body: RegistrationIn):
    settings = use_cases.swemwbs_registration_confirm(
        actor=request.auth, programme_id=programme_id, now=timezone.now(), **body.dict()
    )
    return _schedule_out(settings)


@router.post("/{programme_id}/outcomes", response={201: OutcomeOut}, summary="Add a valued outcome")
def add_outcome(request, programme_id: int, body: OutcomeIn):
    return use_cases.outcome_create(
        actor=request.auth, programme_id=programme_id, name=body.name, description=body.description
    )


@router.post(
    "/{programme_id}/outcomes/{outcome_id}/indicators",
    response={201: IndicatorOut},
    summary="Add an indicator and the questions that measure it",
)
def add_indicator(request, programme_id: int, outcome_id: int, body: IndicatorIn):
    return use_cases.indicator_create(
        actor=request.auth,
        programme_id=programme_id,
        outcome_id=outcome_id,
        name=body.name,
        question_ids=body.question_ids,
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


add_question = create_route(
    router,
    "/{programme_id}/surveys/questions",
    use_cases.custom_question_add,
    CustomQuestionIn,
    QuestionOut,
    "Add a question of the programme's own",
    operation_id="api_routers_surveys_add_question",
    body_name="body",
)
