"""Survey answers for outcome report tests, stored as the survey service would store them."""

import datetime

from django.utils import timezone

from timecredits.reports.outcomes.selectors.figures import IMPROVED, outcome_figures
from timecredits.reports.outputs.selectors.figures import Filter
from timecredits.surveys.instruments import load_built_in_instruments
from timecredits.surveys.models import Question, Response
from timecredits.surveys.services import answer_clean

JANUARY = 20  # a day in January 2026, for baselines answered before March


def when(day: int, month: int = 3) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 12, 0))


def outcomes_of(programme, period_start, period_end, **scope) -> dict:
    """`outcome_figures` for the programme and period (`scope`: an organisation or area)."""
    return outcome_figures(Filter(programme, period_start, period_end, **scope))


def improved_by_outcome(programme, period_start, period_end, **scope) -> dict[int, dict]:
    """Per outcome: the members paired on it in the period and how many of them improved, as
    its table in `outcome_figures` counts them (unsuppressed)."""
    return {
        outcome["id"]: {
            "paired": outcome["table"].total["members"],
            "improved": next(
                row["values"]["members"] for row in outcome["table"].rows if row["key"] == IMPROVED
            ),
        }
        for outcome in outcomes_of(programme, period_start, period_end, **scope)["outcomes"]
    }


def built_in(instrument: str, key: str) -> Question:
    """The built-in question, loading the built-in instruments the first time in a test (loading
    them for every answer made each test that answers a survey take seconds)."""
    question = Question.objects.filter(
        instrument__built_in=True, instrument__key=instrument, key=key
    ).first()
    if question is None:
        load_built_in_instruments()
        question = Question.objects.get(
            instrument__built_in=True, instrument__key=instrument, key=key
        )
    return question


def answer(member, question: Question, wave: int, raw, at: datetime.datetime) -> Response:
    value, number = answer_clean(question, raw)
    return Response.objects.create(
        member=member, question=question, wave=wave, value=value, number=number, answered_at=at
    )


def answer_all(member, instrument: str, keys_and_values: dict, wave: int, at) -> None:
    for key, raw in keys_and_values.items():
        answer(member, built_in(instrument, key), wave, raw, at)
