"""Outcome figures for a programme (or one organisation in it), from members' stored answers, as
plain data: unsuppressed. `presented` applies disclosure control for the reader.

Who is counted: members of the programme who consent to anonymous reports
(`Member.reports_consent` as it is now), in the area if one is given, and with an organisation
only those with an approved contribution at one of its activities in the programme at a session
that started before the period ended.

Which answers fall in a period (of local dates, inclusive): a **wave** (the baseline at joining,
or the follow-up N months after) counts in the period when it was answered in it. A **paired
change** is a member's follow-up answered in the period against the same member's baseline,
whenever that baseline was answered; members without a baseline are not paired.

Measures, each reported per wave (respondents, mean, band counts) and per follow-up as paired
change (paired members, mean change = follow-up minus baseline, improved / same / worse, and the
distance travelled per member as counts per change bin):

- ONS4: each of the four items on its own, 0-10, with the ONS threshold bands (the anxiety item
  has its own bands, and for it a lower score is better).
- UCLA-3: the total of its three items, 3-9; a lower score is better (less lonely).
- The direct loneliness question: its stored value, 1 = often or always lonely to 5 = never, so
  a higher score is better; its bands are the five answers.
- SWEMWBS: the metric score of the seven items (`scoring.swemwbs_metric`); higher is better.
- A programme's own questions: scale and number questions by their mean, yes/no questions by
  the share answering yes (yes = 1, no = 0), and higher (or yes) counts as better; a programme
  words its questions that way. Choice questions are reported by counts only, with no change.

A composite measure (UCLA-3, SWEMWBS) needs all of its items in the wave. **Improved** means the
score moved the good way, **worse** the other, **same** not at all. Distance travelled is binned
by the change in the good direction: "by L or more" and "by less than L" either way, and no
change, where L is 2 points (3 metric points for SWEMWBS); number questions have no L, and a
measure whose whole range is under L has no "L or more" bins.

Outcomes. A question stands in an indicator for its measure (an item of UCLA-3 or SWEMWBS for
the instrument's total; choice questions of a programme's own are left out, having no order).
For an indicator or an outcome (its indicators' measures together), each member is taken once:
at their latest follow-up answered in the period in which they answered at least one of its
measures that they also answered at baseline. Those measures are the member's paired measures;
the member **improved** when more than half of them moved the good way, got **worse** when more
than half moved the other way, and otherwise shows **no clear change**.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, gettext_noop, ngettext

from timecredits.activities.selectors import ContributionStatus, contribution_rows
from timecredits.members.selectors import member_rows
from timecredits.surveys import scoring
from timecredits.surveys.instruments import LONELINESS_DIRECT, ONS4, SWEMWBS, UCLA3, shown
from timecredits.surveys.selectors import (
    BASELINE,
    QuestionKind,
    programme_outcomes,
    question_rows,
    response_rows,
)

from ...disclosure import Table
from ...outputs.selectors.figures import Filter

if TYPE_CHECKING:
    from timecredits.surveys.models import Question

HIGHER, LOWER, UNORDERED = 1, -1, 0
IMPROVED, SAME, WORSE = "improved", "same", "worse"
GROUP_ROWS = (
    (IMPROVED, gettext_noop("Improved")),
    (SAME, gettext_noop("No clear change")),
    (WORSE, gettext_noop("Worse")),
)
# The ONS4 bands' names (scoring.ONS4_*_BANDS), as read.
ONS4_BAND_NAMES = {
    "very_low": gettext_noop("very low"),
    "low": gettext_noop("low"),
    "medium": gettext_noop("medium"),
    "high": gettext_noop("high"),
    "very_high": gettext_noop("very high"),
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    instrument: str
    questions: tuple[int, ...]  # every one must be answered in the wave
    score: Callable  # the answers' (number, value) pairs, in question order -> a score
    better: int = HIGHER
    bands: tuple[tuple[str, str], ...] = ()  # (key, label); empty for a mean alone
    band_of: Callable | None = None  # score -> band key
    large: Decimal | None = Decimal(2)
    span: Decimal | None = None  # highest minus lowest possible score
    share: bool = False  # the mean is the share answering yes
    copyright: str = ""


def _number(answers):
    return answers[0][0]


def _ons_band(anxiety):
    return lambda score: scoring.ons4_band(int(score), anxiety=anxiety)


def _bands(pairs, built_in=False):
    return tuple((str(value), shown(str(label), built_in)) for value, label in pairs)


def _measure(question: "Question", siblings: list["Question"]) -> Measure:
    """The measure a question belongs to: its own, or its instrument's total."""
    instrument = question.instrument
    common = {
        "instrument": shown(instrument.name, instrument.built_in),
        "copyright": instrument.copyright,
    }
    if instrument.built_in and instrument.key == UCLA3:
        return Measure(
            key=UCLA3,
            label=gettext("Loneliness (UCLA-3 total, 3 to 9)"),
            questions=tuple(q.pk for q in siblings),
            score=lambda answers: Decimal(scoring.ucla3_total([int(n) for n, _ in answers])),
            better=LOWER,
            span=Decimal(6),
            **common,
        )
    if instrument.built_in and instrument.key == SWEMWBS:
        return Measure(
            key=SWEMWBS,
            label=gettext("Mental wellbeing (SWEMWBS metric score, 7 to 35)"),
            questions=tuple(q.pk for q in siblings),
            score=lambda answers: scoring.swemwbs_metric(
                scoring.swemwbs_raw([int(n) for n, _ in answers])
            ),
            large=Decimal(3),
            span=Decimal(28),
            **common,
        )
    key = f"{instrument.key}.{question.key}" if instrument.built_in else f"q{question.pk}"
    text = shown(question.text, instrument.built_in)
    measure = {"key": key, "label": text, "questions": (question.pk,), **common}
    if instrument.built_in and instrument.key == ONS4:
        anxiety = question.key == "anxiety"
        bands = scoring.ONS4_ANXIETY_BANDS if anxiety else scoring.ONS4_POSITIVE_BANDS
        return Measure(
            score=_number,
            better=LOWER if anxiety else HIGHER,
            bands=tuple(
                (name, f"{gettext(ONS4_BAND_NAMES[name])} ({lo}-{hi})") for lo, hi, name in bands
            ),
            band_of=_ons_band(anxiety),
            span=Decimal(10),
            **measure,
        )
    if instrument.built_in and instrument.key == LONELINESS_DIRECT:
        return Measure(
            score=_number,
            bands=_bands(question.choices, built_in=True),
            band_of=lambda score: str(int(score)),
            span=Decimal(4),
            **measure,
        )
    if question.kind == QuestionKind.YES_NO:
        return Measure(
            score=_number,
            bands=(("yes", gettext("Yes")), ("no", gettext("No"))),
            band_of=lambda score: "yes" if score else "no",
            span=Decimal(1),
            share=True,
            **measure,
        )
    if question.kind == QuestionKind.CHOICE:
        return Measure(
            score=lambda answers: answers[0][1],
            better=UNORDERED,
            bands=_bands(question.choices),
            band_of=str,
            **measure,
        )
    if question.kind == QuestionKind.SCALE:
        span = Decimal(question.max_value - question.min_value)
        return Measure(score=_number, span=span, **measure)
    return Measure(score=_number, large=None, **measure)


def _measures(questions: list["Question"]) -> dict[int, Measure]:
    """Each question's measure, by question id."""
    by_instrument = defaultdict(list)
    for q in questions:
        by_instrument[q.instrument_id].append(q)
    return {q.pk: _measure(q, by_instrument[q.instrument_id]) for q in questions}


def bins(measure: Measure) -> list[tuple[str, str]]:
    """The distance-travelled bins of a measure, from worst to best."""
    large = measure.large
    if large is None or (measure.span is not None and measure.span < large):
        return [
            ("worse", gettext("Worse")),
            ("same", gettext("No change")),
            ("better", gettext("Better")),
        ]
    by = {"n": large}
    return [
        ("worse_large", gettext("Worse by %(n)s or more") % by),
        ("worse", gettext("Worse by less than %(n)s") % by),
        ("same", gettext("No change")),
        ("better", gettext("Better by less than %(n)s") % by),
        ("better_large", gettext("Better by %(n)s or more") % by),
    ]


def bin_of(measure: Measure, gain: Decimal) -> str:
    """The bin of a change already turned so that a positive `gain` is better."""
    if gain == 0:
        return "same"
    side = "better" if gain > 0 else "worse"
    return f"{side}_large" if len(bins(measure)) == 5 and abs(gain) >= measure.large else side


def direction(measure: Measure, change: Decimal) -> str:
    gain = measure.better * change
    return IMPROVED if gain > 0 else WORSE if gain < 0 else SAME


def _mean(values) -> Decimal | None:
    return round(sum(values) / len(values), 2) if values else None


def _row(key, label, members) -> dict:
    return {"key": str(key), "label": str(label), "values": {"members": members}}


def _table(name, title, rows, note="") -> Table:
    total = {"members": sum(r["values"]["members"] for r in rows)}
    return Table(name, title, "members", [("members", gettext("Members"))], rows, total, note=note)


def _members(f: Filter):
    members = member_rows().filter(programme=f.programme, reports_consent=True)
    if f.area:
        members = members.filter(area=f.area)
    if f.organisation is not None:
        members = members.filter(
            Exists(
                contribution_rows().filter(
                    member=OuterRef("pk"),
                    status=ContributionStatus.APPROVED,
                    session__activity__programme=f.programme,
                    session__activity__organisation=f.organisation,
                    session__starts_at__lt=f.until,
                )
            )
        )
    return members


def _answers(f: Filter):
    """(member, wave) -> {question id: (number, value)}, for the waves answered in the period
    and the baselines of members with a follow-up among them; and which were in the period."""
    in_period = Q(answered_at__gte=f.since, answered_at__lt=f.until)
    followed_up = response_rows().filter(in_period, wave__gt=BASELINE).values("member")
    rows = (
        response_rows()
        .filter(member__in=_members(f))
        .filter(in_period | Q(wave=BASELINE, member__in=followed_up))
    )
    answers, current = defaultdict(dict), set()
    for member, wave, question, number, value, at in rows.values_list(
        "member_id", "wave", "question_id", "number", "value", "answered_at"
    ):
        answers[member, wave][question] = (number, value)
        if f.since <= at < f.until:
            current.add((member, wave))
    return answers, current


def _scores(measure: Measure, answers: dict) -> dict:
    """(member, wave) -> score, where the wave holds every item of the measure."""
    scores = {}
    for key, given in answers.items():
        if all(q in given for q in measure.questions):
            scores[key] = measure.score([given[q] for q in measure.questions])
    return scores


def _wave_name(wave: int) -> str:
    if wave == BASELINE:
        return gettext("Baseline")
    return ngettext("%(n)s month", "%(n)s months", wave) % {"n": wave}


def _measure_figures(measure: Measure, scores: dict, current: set) -> dict:
    ordered = measure.better != UNORDERED
    waves = []
    for wave in sorted({w for _, w in current & scores.keys()}):
        values = [s for (m, w), s in scores.items() if w == wave and (m, w) in current]
        counts = defaultdict(int)
        for value in values:
            counts[measure.band_of(value) if measure.band_of else None] += 1
        rows = [_row(key, label, counts.pop(key, 0)) for key, label in measure.bands]
        if measure.bands:  # answers no longer among the choices, so the rows add up to n
            rows += [
                _row(key, gettext("Other: %(answer)s") % {"answer": key}, n)
                for key, n in sorted(counts.items())
            ]
        table = _table(f"{measure.key}.{wave}", f"{measure.label}: {_wave_name(wave)}", rows)
        table.total["members"] = len(values)
        mean = _mean(values) if ordered else None
        waves.append({"wave": wave, "name": _wave_name(wave), "table": table, "mean": mean})
    changes = []
    for wave in sorted({w for (m, w) in scores if w != BASELINE and ordered}):
        deltas = [
            s - scores[m, BASELINE]
            for (m, w), s in scores.items()
            if w == wave and (m, BASELINE) in scores
        ]
        counts = defaultdict(int)
        for delta in deltas:
            counts[bin_of(measure, measure.better * delta)] += 1
        rows = [_row(key, label, counts[key]) for key, label in bins(measure)]
        title = gettext("%(measure)s: distance travelled, baseline to %(wave)s") % {
            "measure": measure.label,
            "wave": _wave_name(wave),
        }
        changes.append(
            {
                "wave": wave,
                "name": _wave_name(wave),
                "table": _table(f"{measure.key}.change.{wave}", title, rows),
                "mean_change": _mean(deltas),
            }
        )
    return {
        "key": measure.key,
        "label": measure.label,
        "instrument": measure.instrument,
        "copyright": measure.copyright,
        "better": {HIGHER: "higher", LOWER: "lower", UNORDERED: ""}[measure.better],
        "share": measure.share,
        "waves": waves,
        "changes": changes,
    }


def _group_changes(measures: list[Measure], scores: dict) -> dict:
    """member -> improved / same / worse on a group of measures, by the majority rule."""
    latest = {}
    for measure in measures:
        for (m, w), s in scores[measure.key].items():
            base = scores[measure.key].get((m, BASELINE))
            if w != BASELINE and base is not None:
                latest.setdefault(m, {}).setdefault(w, []).append(direction(measure, s - base))
    verdicts = {}
    for member, waves in latest.items():
        moves = waves[max(waves)]
        half = len(moves) / 2
        verdicts[member] = (
            IMPROVED
            if moves.count(IMPROVED) > half
            else WORSE
            if moves.count(WORSE) > half
            else SAME
        )
    return verdicts


def _group_table(name, title, verdicts: dict, note) -> Table:
    counts = defaultdict(int)
    for verdict in verdicts.values():
        counts[verdict] += 1
    return _table(
        name, title, [_row(k, gettext(label), counts[k]) for k, label in GROUP_ROWS], note
    )


def _outcome_groups(programme, by_question: dict[int, Measure]) -> list[dict]:
    """The programme's outcomes and indicators with the measures of their questions."""
    outcomes = programme_outcomes(programme=programme).prefetch_related("indicators__questions")
    groups = []
    for outcome in outcomes:
        indicators = []
        for indicator in outcome.indicators.all():
            found = {
                by_question[q.pk].key: by_question[q.pk]
                for q in indicator.questions.all()
                if q.pk in by_question and by_question[q.pk].better != UNORDERED
            }
            indicators.append({"id": indicator.pk, "name": indicator.name, "measures": found})
        measures = {k: m for i in indicators for k, m in i["measures"].items()}
        groups.append(
            {"id": outcome.pk, "name": outcome.name, "indicators": indicators, "measures": measures}
        )
    return groups


def outcome_figures(f: Filter) -> dict:
    """Every measure's figures per wave and per paired change, and each outcome's, unsuppressed,
    for the filter's programme, period, organisation and area."""
    answers, current = _answers(f)
    asked = {q for given in answers.values() for q in given}
    linked = question_rows().filter(indicators__outcome__programme=f.programme).values("pk")
    questions = list(
        question_rows()
        .filter(Q(pk__in=asked) | Q(pk__in=linked))
        .select_related("instrument")
        .order_by("instrument_id", "position", "id")
    )
    siblings = (
        question_rows()
        .filter(instrument__in={q.instrument_id for q in questions}, instrument__built_in=True)
        .select_related("instrument")
    )
    by_question = _measures(
        sorted({*questions, *siblings}, key=lambda q: (q.instrument_id, q.position, q.pk))
    )
    measures = list({by_question[q.pk].key: by_question[q.pk] for q in questions}.values())
    scores = {m.key: _scores(m, answers) for m in measures}
    measure_figures = [
        _measure_figures(m, scores[m.key], current)
        for m in measures
        if current & scores[m.key].keys()
    ]
    note = gettext(
        "Each member once, at their latest follow-up in the period, against their baseline."
    )
    outcomes = []
    for group in _outcome_groups(f.programme, by_question):
        indicators = [
            {
                "id": i["id"],
                "name": i["name"],
                "measures": [m.label for m in i["measures"].values()],
                "table": _group_table(
                    f"indicator.{i['id']}",
                    f"{group['name']}: {i['name']}",
                    _group_changes(list(i["measures"].values()), scores),
                    note,
                ),
            }
            for i in group["indicators"]
        ]
        verdicts = _group_changes(list(group["measures"].values()), scores)
        outcomes.append(
            {
                "id": group["id"],
                "name": group["name"],
                "table": _group_table(f"outcome.{group['id']}", group["name"], verdicts, note),
                "indicators": indicators,
            }
        )
    return {
        **f.asked(),
        "copyright": sorted({m["copyright"] for m in measure_figures if m["copyright"]}),
        "measures": measure_figures,
        "outcomes": outcomes,
    }
