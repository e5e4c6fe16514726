"""Writes: a member's answers for a wave, and a programme admin's survey settings and outcomes."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from timecredits.activities.limits import FIRST_YEAR
from timecredits.db import claim, retry_on_conflict, unique_or_conflict
from timecredits.errors import Conflict, Invalid, NotFound, Problems
from timecredits.members.selectors import member_for_user

from .instruments import SWEMWBS
from .models import Indicator, Instrument, Outcome, Question, Response, SurveySchedule
from .selectors import programme_questions, surveys_due

MAX_FOLLOW_UP_MONTHS = 120
# Answers are stored with 12 digits, two of them after the point.
LARGEST_ANSWER = Decimal(10) ** 10
YES_NO = {"yes": Decimal(1), "no": Decimal(0)}


def answer_clean(question: Question, raw) -> tuple[str, Decimal | None]:
    """The stored text and number for one answer, or ValueError with a message for the member."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        raise ValueError(gettext("Please answer this question."))
    if question.kind == Question.Kind.YES_NO:
        if text.lower() not in YES_NO:
            raise ValueError(gettext("Answer yes or no."))
        return text.lower(), YES_NO[text.lower()]
    if question.kind == Question.Kind.CHOICE:
        values = [value for value, _ in question.choices]
        if text not in values:
            raise ValueError(gettext("Choose one of the answers given."))
        return text, Decimal(text) if text.isdigit() else None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(gettext("Answer with a number.")) from None
    if not number.is_finite():
        raise ValueError(gettext("Answer with a number."))
    if abs(number) >= LARGEST_ANSWER:
        raise ValueError(gettext("Answer with a smaller number."))
    if question.kind == Question.Kind.SCALE and number != number.to_integral_value():
        raise ValueError(gettext("Answer with a whole number."))
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(
            gettext("Answer with a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    if question.kind == Question.Kind.SCALE:
        number = number.to_integral_value()
    number = number.quantize(Decimal("0.01"))
    text = f"{number:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text), number


def responses_save(*, actor, wave: int, answers: dict, now: datetime.datetime) -> list[Response]:
    """Save the signed-in member's answers for one due wave: every question answered and valid,
    or nothing saved at all. The same answers sent again moments later (a double tap, Back and
    send) are the answers already saved."""
    member = member_for_user(user=actor)
    if member is None:
        raise NotFound(gettext("You do not have a member profile."))
    if wave not in {w.wave for w in surveys_due(member, now)}:
        if replayed := _just_answered(member, wave, answers, now):
            return replayed
        raise Conflict(
            gettext("This survey is not waiting for your answers."), detail={"wave": wave}
        )
    questions = programme_questions(programme=member.programme_id)
    asked = {str(q.pk) for q in questions}
    problems = Problems()
    for key in answers:
        if str(key) not in asked:
            problems.add(str(key), gettext("This question is not in your survey."))
    cleaned = []
    for question in questions:
        try:
            value, number = answer_clean(question, answers.get(str(question.pk)))
        except ValueError as refused:
            problems.add(str(question.pk), str(refused))
        else:
            cleaned.append(
                Response(
                    member=member,
                    question=question,
                    wave=wave,
                    value=value,
                    number=number,
                    answered_at=now,
                )
            )
    problems.raise_if_any(gettext("Some answers need another look."))
    answered = gettext("You have already answered this survey.")
    try:
        with unique_or_conflict(answered, detail={"wave": wave}):
            return Response.objects.bulk_create(cleaned)
    except Conflict:
        if replayed := _just_answered(member, wave, answers, now):
            return replayed
        raise


# How long after answering the same wave sent again is taken as the same answers.
REPLAYED_WITHIN = datetime.timedelta(minutes=10)


def _just_answered(member, wave: int, answers: dict, now: datetime.datetime) -> list[Response]:
    """The wave's answers saved moments ago, when they are the `answers` sent; else none."""
    saved = list(
        Response.objects.filter(member=member, wave=wave, answered_at__gte=now - REPLAYED_WITHIN)
    )
    try:
        sent = {
            q.pk: answer_clean(q, answers.get(str(q.pk)))[0]
            for q in programme_questions(programme=member.programme_id)
        }
    except ValueError:
        return []
    return saved if saved and {r.question_id: r.value for r in saved} == sent else []


def member_answers_erase(*, member) -> None:
    """Erase a member's survey answers, as closing their account promises. Reports count only
    members who consent to them now, so no report read them after the closing anyway."""
    Response.objects.filter(member=member).delete()


def _schedule(programme) -> SurveySchedule:
    schedule, _ = SurveySchedule.objects.get_or_create(programme=programme)
    return schedule


def _available_instruments(programme):
    return Instrument.objects.filter(Q(built_in=True) | Q(programme=programme))


@retry_on_conflict
def survey_schedule_update(
    *, actor, programme, instrument_ids: list[int], follow_up_months: list[int]
) -> SurveySchedule:
    """Choose the instruments asked and the follow-up months. SWEMWBS only once registered."""
    schedule = (
        SurveySchedule.objects.select_for_update(no_key=True).filter(programme=programme).first()
    )
    schedule = schedule or _schedule(programme)
    problems = Problems()
    months = sorted(set(follow_up_months))
    if any(
        isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= MAX_FOLLOW_UP_MONTHS
        for m in months
    ):
        problems.add(
            "follow_up_months",
            gettext("Use whole months from 1 to %(max)s.") % {"max": MAX_FOLLOW_UP_MONTHS},
        )
    instruments = list(_available_instruments(programme).filter(pk__in=set(instrument_ids)))
    if len(instruments) != len(set(instrument_ids)):
        problems.add("instrument_ids", gettext("Choose from the instruments."))
    if any(i.requires_registration for i in instruments) and not schedule.swemwbs_registered:
        problems.add(
            "instrument_ids",
            gettext("Confirm that the programme has registered to use SWEMWBS first."),
        )
    problems.raise_if_any(gettext("Some survey settings need another look."))
    schedule.follow_up_months = months
    schedule.save(update_fields=["follow_up_months"])
    schedule.instruments.set(instruments)
    return schedule


@transaction.atomic
def swemwbs_registration_confirm(
    *, actor, programme, registered_on: datetime.date, now: datetime.datetime
) -> SurveySchedule:
    """Record that the programme has registered to use SWEMWBS: when, and who confirmed it."""
    if registered_on > timezone.localdate(now):
        raise Invalid(
            gettext("The registration date cannot be in the future."),
            detail=[
                {"field": "registered_on", "message": gettext("Use today or an earlier date.")}
            ],
        )
    if registered_on.year < FIRST_YEAR:  # a slip of the keyboard: the scale came out in 2008
        message = gettext("Use a date from %(year)d on.") % {"year": FIRST_YEAR}
        raise Invalid(message, detail=[{"field": "registered_on", "message": message}])
    schedule = _schedule(programme)
    schedule.swemwbs_registered = True
    schedule.swemwbs_registered_on = registered_on
    schedule.swemwbs_confirmed_by = actor
    schedule.swemwbs_confirmed_at = now
    schedule.save()
    return schedule


def swemwbs_instrument() -> Instrument | None:
    return Instrument.objects.filter(built_in=True, key=SWEMWBS).first()


def _named(problems: Problems, name: str, missing: str) -> str:
    """The name as kept (`missing` said when there is none), within what the column holds."""
    name = name.strip()
    if not name:
        problems.add("name", missing)
    elif len(name) > 200:
        problems.add("name", gettext("Use at most 200 characters."))
    problems.check_text("name", name)
    return name


def outcome_create(*, actor, programme, name: str, description: str = "") -> Outcome:
    problems = Problems()
    name = _named(problems, name, gettext("Give the outcome a name."))
    if len(description) > 2000:
        problems.add("description", gettext("Use at most %(n)s characters.") % {"n": "2,000"})
    problems.check_text("description", description)
    problems.raise_if_any()
    with unique_or_conflict(gettext("The programme already has an outcome with this name.")):
        return Outcome.objects.create(
            programme=programme, name=name, description=description.strip()
        )


def indicator_create(*, actor, outcome: Outcome, name: str, question_ids: list[int]) -> Indicator:
    """An indicator of an outcome, measured by questions the programme can ask."""
    problems = Problems()
    name = _named(problems, name, gettext("Give the indicator a name."))
    questions = list(
        Question.objects.filter(
            pk__in=set(question_ids),
            instrument__in=_available_instruments(outcome.programme),
        )
    )
    if not question_ids or len(questions) != len(set(question_ids)):
        problems.add("question_ids", gettext("Choose questions from the surveys."))
    problems.raise_if_any()
    with unique_or_conflict(gettext("The outcome already has an indicator with this name.")):
        indicator = Indicator.objects.create(outcome=outcome, name=name)
        indicator.questions.set(questions)
    return indicator


@retry_on_conflict
def custom_question_add(
    *,
    actor,
    programme,
    key: str,
    text: str,
    kind: str,
    min_value: int | None = None,
    max_value: int | None = None,
    min_label: str = "",
    max_label: str = "",
    choices: list[list[str]] | None = None,
) -> Question:
    """Add a question of the programme's own to its custom instrument (created on first use)."""
    problems = Problems()
    if not key or not key.replace("_", "").isalnum() or len(key) > 40:
        problems.add("key", gettext("Use letters, digits and underscores."))
    if not text.strip():
        problems.add("text", gettext("Write the question."))
    if kind not in Question.Kind.values:
        problems.add("kind", gettext("Choose scale, yes_no, number or choice."))
    if kind == Question.Kind.SCALE and (
        min_value is None or max_value is None or not min_value < max_value <= min_value + 20
    ):
        problems.add("max_value", gettext("A scale runs from its min to its max."))
    if kind == Question.Kind.CHOICE:
        values = [c[0] for c in choices or [] if len(c) == 2 and c[0] and c[1]]
        if len(values) < 2 or len(values) != len(set(values)) or len(values) != len(choices):
            problems.add("choices", gettext("Give at least two [value, label] answers."))
    problems.raise_if_any()
    # One instrument of its own per programme, made by whichever of two first questions at once
    # claims it first; the other then finds it (two were made, and every later question was a
    # 500 for the programme: found by fuzzing the API). The first of any made before, kept.
    claim("custom-instrument", str(programme.pk))
    instrument = Instrument.objects.filter(programme=programme, built_in=False).order_by(
        "pk"
    ).first() or Instrument.objects.create(
        programme=programme, built_in=False, name=f"{programme.name}: our own questions"
    )
    with unique_or_conflict(gettext("The programme already has a question with this key.")):
        return Question.objects.create(
            instrument=instrument,
            key=key,
            position=instrument.questions.count() + 1,
            text=text.strip(),
            kind=kind,
            min_value=min_value if kind in ("scale", "number") else None,
            max_value=max_value if kind in ("scale", "number") else None,
            min_label=min_label if kind == "scale" else "",
            max_label=max_label if kind == "scale" else "",
            choices=choices if kind == "choice" else [],
        )
