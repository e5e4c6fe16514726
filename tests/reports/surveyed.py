"""Survey answers for outcome report tests, stored as the survey service would store them."""

import datetime

from django.utils import timezone

from timecredits.surveys.instruments import load_built_in_instruments
from timecredits.surveys.models import Question, Response
from timecredits.surveys.services import answer_clean

JANUARY = 20  # a day in January 2026, for baselines answered before March


def when(day: int, month: int = 3) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 12, 0))


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
