"""Reads: which questions a programme asks, which waves a member owes, and their own answers."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import BASELINE, Instrument, Outcome, Question, Response, SurveySchedule


@dataclass(frozen=True)
class DueWave:
    wave: int  # 0 is the baseline; otherwise months after joining
    due_at: datetime.datetime

    @property
    def is_baseline(self) -> bool:
        return self.wave == BASELINE

    @property
    def name(self) -> str:
        return wave_name(self.wave)


def wave_name(wave: int) -> str:
    """A wave as members and the API name it: "baseline", or the months after joining."""
    return "baseline" if wave == BASELINE else str(wave)


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29
    Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def survey_schedule(*, programme) -> SurveySchedule | None:
    return SurveySchedule.objects.filter(programme=programme).first()


def programme_questions(*, programme) -> list[Question]:
    """Every question the programme asks now, in its instruments' order. SWEMWBS (or any
    instrument needing registration) only once the programme has confirmed it registered."""
    schedule = survey_schedule(programme=programme)
    if schedule is None:
        return []
    instruments = schedule.instruments.all()
    if not schedule.swemwbs_registered:
        instruments = instruments.filter(requires_registration=False)
    return list(
        Question.objects.filter(instrument__in=instruments)
        .select_related("instrument")
        .order_by("instrument_id", "position", "id")
    )


def surveys_due(member, now: datetime.datetime) -> list[DueWave]:
    """The waves this member should be offered now: the baseline, and each follow-up whose time
    has come since joining, that they have not answered. None without consent."""
    if not member.surveys_consent or member.closed_at is not None:
        return []
    schedule = survey_schedule(programme=member.programme_id)
    if schedule is None or not programme_questions(programme=member.programme_id):
        return []
    answered = set(Response.objects.filter(member=member).values_list("wave", flat=True).distinct())
    waves = [DueWave(BASELINE, member.joined_at)]
    waves += [
        DueWave(months, add_months(member.joined_at, months))
        for months in sorted(set(schedule.follow_up_months))
    ]
    return [w for w in waves if w.due_at <= now and w.wave not in answered]


def member_responses(*, member, wave: int | None = None):
    responses = Response.objects.filter(member=member).select_related("question")
    return responses if wave is None else responses.filter(wave=wave)


def instruments_offered(*, programme) -> QuerySet[Instrument]:
    """The instruments a programme can choose from: the built-in ones and its own, with their
    questions, in id order."""
    instruments = Instrument.objects.filter(built_in=True) | programme.custom_instruments.all()
    return instruments.prefetch_related("questions").order_by("id")


def programme_outcomes(*, programme) -> QuerySet[Outcome]:
    """The programme's valued outcomes with their indicators and the questions measuring them."""
    return programme.outcomes.prefetch_related("indicators__questions__instrument")


def programme_outcome(*, programme, outcome_id) -> Outcome | None:
    return Outcome.objects.filter(pk=outcome_id, programme=programme).first()


# --- reports: the answers, questions and outcomes that outcome figures read ---

QuestionKind = Question.Kind


def response_rows():
    """Every stored answer, as a QuerySet for figures that filter them (reports)."""
    return Response.objects.all()


def question_rows():
    """Every question, as a QuerySet (reports find the ones answered or measured)."""
    return Question.objects.all()
