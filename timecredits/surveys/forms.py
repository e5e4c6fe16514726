"""The member's survey as a page form: its questions grouped by instrument, each with the answers
to choose from, the member's answer so far and its error; a built-in instrument's words in the
reader's language."""

from django.utils.translation import gettext as _

from .instruments import shown
from .models import Question


def _options(q: Question) -> list[tuple[str, str, str]]:
    """(value, label, hint) for each answer a question offers; none for a number."""
    built_in = q.instrument.built_in
    if q.kind == Question.Kind.SCALE:
        labels = [shown(label, built_in) for label in q.point_labels or []]
        return [
            (
                str(v),
                labels[i] if labels else str(v),
                ""
                if labels
                else (shown(q.min_label, built_in) if v == q.min_value else "")
                or (shown(q.max_label, built_in) if v == q.max_value else ""),
            )
            for i, v in enumerate(range(q.min_value, q.max_value + 1))
        ]
    if q.kind == Question.Kind.YES_NO:
        return [("yes", _("Yes"), ""), ("no", _("No"), "")]
    if q.kind == Question.Kind.CHOICE:
        return [(value, shown(label, built_in), "") for value, label in q.choices]
    return []


def survey_sections(questions, answers: dict, errors: dict) -> list[dict]:
    """Questions grouped by instrument, each with the member's answer so far and its error."""
    sections = []
    for q in questions:
        if not sections or sections[-1]["instrument"].pk != q.instrument_id:
            instrument = q.instrument
            sections.append(
                {
                    "instrument": instrument,
                    "name": shown(instrument.name, instrument.built_in),
                    "preamble": shown(instrument.preamble, instrument.built_in),
                    "questions": [],
                }
            )
        sections[-1]["questions"].append(
            {
                "question": q,
                "text": shown(q.text, q.instrument.built_in),
                "name": f"q{q.pk}",
                "options": _options(q),
                "answer": answers.get(str(q.pk), ""),
                "error": errors.get(str(q.pk), ""),
            }
        )
    return sections
