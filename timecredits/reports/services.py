"""Who sees which figures: commissioners and programme admins only suppressed ones, an
organisation's coordinators and admins their own organisation's figures as they are."""

import csv
import datetime
import io

from partners.models import Participation
from timecredits.errors import Invalid
from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme

from . import disclosure
from .selectors import programme_outputs

FIGURE_LABELS = {
    "active_members": "Active members",
    "new_members": "New members",
    "new_to_volunteering": "New members new to volunteering",
    "hours_given": "Hours given",
    "sessions_held": "Sessions held",
    "check_ins": "Check-ins",
    "credits_earned_minutes": "Credits earned (minutes)",
    "credits_spent_minutes": "Credits spent (minutes)",
    "credits_donated_minutes": "Credits donated (minutes)",
    "credits_expired_minutes": "Credits expired (minutes)",
    "active_organisations": "Active organisations",
}
# Headline figures that equal a table's total, so hiding one hides the other.
TOTALS = {"new_members": "new_members", "area": "active_members"}
CELLS = {("new_members", "yes"): "new_to_volunteering"}


def _check_period(period_start: datetime.date, period_end: datetime.date) -> None:
    if period_end < period_start:
        raise Invalid("The period ends before it starts.", detail={"field": "to"})
    if (period_end - period_start).days > 366 * 5:
        raise Invalid("Ask for at most five years at a time.", detail={"field": "to"})


def _present(outputs: dict, *, threshold: int | None) -> dict:
    """The report as a reader gets it: figures, tables, and what was hidden and why."""
    people = outputs.pop("people")
    if threshold is None:
        figures, hidden = outputs["figures"], {}
    else:
        figures, hidden = disclosure.suppress_figures(outputs["figures"], people, threshold)
    tables = []
    for table in outputs["tables"]:
        if threshold is not None:
            disclosure.suppress(table, threshold)
            figure = TOTALS.get(table.name)
            if figure and table.total[table.count] is None and figures[figure] is not None:
                figures[figure] = None
                hidden[figure] = disclosure.SECONDARY
            for (name, row), figure in CELLS.items():
                if name == table.name and (row, table.count) in table.suppressed:
                    figures[figure] = None
                    hidden[figure] = table.suppressed[(row, table.count)]
        tables.append(table.as_dict())
    outputs["figures"] = [
        {
            "key": key,
            "label": FIGURE_LABELS[key],
            "value": figures[key],
            "suppressed": hidden.get(key, ""),
        }
        for key in FIGURE_LABELS
    ]
    outputs["tables"] = tables
    outputs["suppressed"] = threshold is not None
    return outputs


def programme_report(
    *, actor, programme, period_start, period_end, organisation=None, activity_type="", area=""
) -> dict:
    """A programme's outputs for its commissioners and admins, always with disclosure control."""
    require(actor, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    return build_programme_report(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        activity_type=activity_type,
        area=area,
    )


def build_programme_report(
    *, programme, period_start, period_end, organisation=None, activity_type="", area=""
) -> dict:
    """The programme's report as its commissioners get it, for a caller that has already checked
    who is asking (`programme_report`, or a snapshot whose requester was checked)."""
    _check_period(period_start, period_end)
    outputs = programme_outputs(
        programme, period_start, period_end, organisation, activity_type, area
    )
    return _present(outputs, threshold=programme.report_threshold)


def organisation_programme(*, organisation, programme):
    """The programme an organisation's own report is about: the one asked for, or its only one."""
    programmes = Programme.objects.filter(
        participation__organisation=organisation,
        participation__status=Participation.Status.APPROVED,
    )
    if programme is None:
        programme = programmes.first() if programmes.count() == 1 else None
    elif not programmes.filter(pk=programme.pk).exists():
        programme = None
    if programme is None:
        raise Invalid(
            "Say which programme: one this organisation takes part in.",
            detail={"field": "programme"},
        )
    return programme


def organisation_report(
    *, actor, organisation, programme, period_start, period_end, activity_type="", area=""
) -> dict:
    """One organisation's own outputs in a programme, unsuppressed, for its own staff."""
    require(actor, Action.ORGANISATION_REPORTS_VIEW, organisation=organisation)
    _check_period(period_start, period_end)
    programme = organisation_programme(organisation=organisation, programme=programme)
    outputs = programme_outputs(
        programme, period_start, period_end, organisation, activity_type, area
    )
    return _present(outputs, threshold=None)


def report_csv(report: dict) -> str:
    """One line per figure and per cell; a hidden value is blank, with its reason beside it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "row", "column", "value", "suppressed"])
    for figure in report["figures"]:
        value = "" if figure["value"] is None else figure["value"]
        writer.writerow(["figures", figure["label"], "", value, figure["suppressed"]])
    for table in report["tables"]:
        reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
        for row in [*table["rows"], {"key": "total", "label": "Total", "values": table["total"]}]:
            for column in table["columns"]:
                value = row["values"][column["key"]]
                writer.writerow(
                    [
                        table["title"],
                        row["label"],
                        column["label"],
                        "" if value is None else value,
                        reasons.get((row["key"], column["key"]), ""),
                    ]
                )
    return out.getvalue()
