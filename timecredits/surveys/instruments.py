"""The built-in instruments, defined here in code and loaded into the database idempotently.

Wordings are the published ones as best known; a comment marks any we could not check against
the publisher's own copy. Keys are stable: reports and outcome mappings refer to them.

The texts are stored in English (marked with `gettext_noop`) and shown in the reader's language
through `shown`, for built-in instruments only: a programme's own questions are its own words.
The SWEMWBS copyright line stays as the terms of use print it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from .models import Instrument, Question

ONS4 = "ons4"
UCLA3 = "ucla3"
LONELINESS_DIRECT = "loneliness_direct"
SWEMWBS = "swemwbs"

# Shown wherever SWEMWBS questions appear, character for character as the terms of use require
# (checked in November 2026 against the "Terms of use" on CORC's SWEMWBS page,
# corc.uk.net/outcome-experience-measures/short-warwick-edinburgh-mental-wellbeing-scale-swemwbs,
# which prints it without a hyphen between Warwick and Edinburgh).
SWEMWBS_COPYRIGHT = (
    "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
    "University of Warwick and University of Edinburgh, 2008, all rights reserved."
)


@dataclass(frozen=True)
class QuestionDef:
    key: str
    text: str
    kind: str
    min_value: int | None = None
    max_value: int | None = None
    min_label: str = ""
    max_label: str = ""
    point_labels: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InstrumentDef:
    key: str
    name: str
    description: str
    preamble: str
    questions: tuple[QuestionDef, ...]
    copyright: str = ""
    requires_registration: bool = False


_NOT_AT_ALL, _COMPLETELY = _("Not at all"), _("Completely")


def _ons(key, text, low=_NOT_AT_ALL, high=_COMPLETELY):
    return QuestionDef(key, text, "scale", 0, 10, low, high)


# ONS personal well-being: the four questions of the Annual Population Survey, each 0-10 where 0 is
# "not at all" and 10 is "completely" (ONS "Personal well-being user guidance").
ONS4_DEF = InstrumentDef(
    key=ONS4,
    name=_("ONS personal well-being (ONS4)"),
    description=_("The Office for National Statistics' four personal well-being questions."),
    preamble=_(
        "Next are four questions about your feelings on aspects of your life. For each, give an "
        "answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'."
    ),
    questions=(
        _ons("life_satisfaction", _("Overall, how satisfied are you with your life nowadays?")),
        _ons(
            "worthwhile",
            _(
                "Overall, to what extent do you feel that the things you do in your life are "
                "worthwhile?"
            ),
        ),
        _ons("happiness", _("Overall, how happy did you feel yesterday?")),
        # The ONS asks this one with the anchors restated in the question itself.
        _ons(
            "anxiety",
            _(
                "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', "
                "overall, how anxious did you feel yesterday?"
            ),
            _("Not at all anxious"),
            _("Completely anxious"),
        ),
    ),
)

_UCLA_POINTS = (_("Hardly ever or never"), _("Some of the time"), _("Often"))

# The three-item UCLA loneliness scale (Hughes et al. 2004), as the ONS recommends it; each answer
# scores 1-3 and the total runs from 3 (least lonely) to 9 (most lonely).
UCLA3_DEF = InstrumentDef(
    key=UCLA3,
    name=_("Three-item UCLA loneliness scale"),
    description=_("Three indirect questions about loneliness; a higher total means lonelier."),
    preamble=_("The next questions are about how you feel about different aspects of your life."),
    questions=tuple(
        QuestionDef(key, text, "scale", 1, 3, _UCLA_POINTS[0], _UCLA_POINTS[2], _UCLA_POINTS)
        for key, text in (
            ("companionship", _("How often do you feel that you lack companionship?")),
            ("left_out", _("How often do you feel left out?")),
            ("isolated", _("How often do you feel isolated from others?")),
        )
    ),
)

# The ONS direct loneliness question. Values run from 1 (often or always) to 5 (never) in the
# order the ONS lists the answers.
LONELINESS_DIRECT_DEF = InstrumentDef(
    key=LONELINESS_DIRECT,
    name=_("Direct loneliness question"),
    description=_("The ONS's single direct question about how often someone feels lonely."),
    preamble="",
    questions=(
        QuestionDef(
            "how_often_lonely",
            _("How often do you feel lonely?"),
            "choice",
            choices=(
                ("1", _("Often or always")),
                ("2", _("Some of the time")),
                ("3", _("Occasionally")),
                ("4", _("Hardly ever")),
                ("5", _("Never")),
            ),
        ),
    ),
)

_SWEMWBS_POINTS = (
    _("None of the time"),
    _("Rarely"),
    _("Some of the time"),
    _("Often"),
    _("All of the time"),
)

# SWEMWBS: seven statements, each 1-5, raw total 7-35 converted to a metric score (scoring.py).
# The seven statements were checked in November 2026 against the list the Scottish Government
# prints in "Scottish Surveys Core Questions 2022", section 1.8 (gov.scot), and the five answers
# against CORC's SWEMWBS page ("none of the time" to "all of the time"). The instruction is the
# paper form's with "tick the box" put as choosing an answer, since members answer on a phone;
# the registered programme's licence pack is the authority if anything differs.
SWEMWBS_DEF = InstrumentDef(
    key=SWEMWBS,
    name=_("Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"),
    description=_("Seven statements about feelings and thoughts over the last two weeks."),
    preamble=_(
        "Below are some statements about feelings and thoughts. Please choose the answer that "
        "best describes your experience of each over the last 2 weeks."
    ),
    copyright=SWEMWBS_COPYRIGHT,
    requires_registration=True,
    questions=tuple(
        QuestionDef(
            key, text, "scale", 1, 5, _SWEMWBS_POINTS[0], _SWEMWBS_POINTS[4], _SWEMWBS_POINTS
        )
        for key, text in (
            ("optimistic", _("I've been feeling optimistic about the future")),
            ("useful", _("I've been feeling useful")),
            ("relaxed", _("I've been feeling relaxed")),
            ("problems", _("I've been dealing with problems well")),
            ("thinking", _("I've been thinking clearly")),
            ("close", _("I've been feeling close to other people")),
            ("own_mind", _("I've been able to make up my own mind about things")),
        )
    ),
)

BUILT_IN = (ONS4_DEF, UCLA3_DEF, LONELINESS_DIRECT_DEF, SWEMWBS_DEF)


def shown(text: str, built_in: bool) -> str:
    """A built-in instrument's stored (English) text in the active language; a programme's own
    text as it is."""
    return gettext(text) if built_in and text else text


@transaction.atomic
def load_built_in_instruments() -> list[Instrument]:
    """Create or update every built-in instrument and its questions; safe to run any number of
    times. Questions are matched by key, so answers already given keep pointing at them."""
    loaded = []
    for definition in BUILT_IN:
        instrument, _ = Instrument.objects.update_or_create(
            built_in=True,
            key=definition.key,
            defaults={
                "name": definition.name,
                "description": definition.description,
                "preamble": definition.preamble,
                "copyright": definition.copyright,
                "requires_registration": definition.requires_registration,
            },
        )
        for position, q in enumerate(definition.questions, start=1):
            Question.objects.update_or_create(
                instrument=instrument,
                key=q.key,
                defaults={
                    "position": position,
                    "text": q.text,
                    "kind": q.kind,
                    "min_value": q.min_value,
                    "max_value": q.max_value,
                    "min_label": q.min_label,
                    "max_label": q.max_label,
                    "point_labels": list(q.point_labels),
                    "choices": [list(c) for c in q.choices],
                },
            )
        loaded.append(instrument)
    return loaded
