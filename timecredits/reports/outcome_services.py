"""Who sees which outcome figures: commissioners and programme admins only suppressed ones, an
organisation's coordinators and admins their own organisation's figures as they are.

Suppression (on top of `disclosure.suppress` for every table of people):

- A wave's respondents and a change's paired members are their table's total.
- A mean, a mean change or a share is shown only when it covers at least the threshold of
  people and nothing in its table is hidden: a mean beside hidden counts can pin them (the share
  answering yes is one count over the total).
- Improved / same / worse add up rows of the distance-travelled table, so each is shown only
  when every row it adds up is shown: then it tells a reader nothing the table does not.

Known limit: tables for the same people (a measure's change and an outcome measured by it alone)
are protected each on its own, as are answers to overlapping filters (see `disclosure`).
"""

import io

from timecredits.permissions import Action, require
from timecredits.spreadsheets import SafeWriter

from . import disclosure
from .exports import report_about, report_xlsx
from .outcomes import IMPROVED, SAME, WORSE, outcome_figures
from .services import _check_period, organisation_programme

DERIVED = "derived"
WHY = {**disclosure.REASONS, DERIVED: "hidden because a count it comes from is hidden"}
GROUPS = {IMPROVED: ("better", "better_large"), SAME: ("same",), WORSE: ("worse", "worse_large")}


def _figure(key, label, value, reason="") -> dict:
    value = None if reason else value
    return {
        "key": key,
        "label": label,
        "value": value,
        "suppressed": reason,
        "why": WHY.get(reason),
    }


def _people(table, threshold) -> str:
    """Why a mean or a share over this table's people is hidden, if it is."""
    if threshold is None:
        return ""
    if table.suppressed.get(("total", "members")) == disclosure.SMALL:
        return disclosure.SMALL
    return DERIVED if table.suppressed else ""


def _total(table, key, label) -> dict:
    reason = table.suppressed.get(("total", "members"), "")
    return _figure(key, label, table.total["members"], reason)


def _share(count, total):
    return round(100 * count / total, 1) if total else None


def _wave(measure, wave, threshold) -> dict:
    table = wave["table"]
    if threshold is not None:
        disclosure.suppress(table, threshold)
    figures = [_total(table, "respondents", "Respondents")]
    if wave["mean"] is not None:
        label = "Share answering yes" if measure["share"] else "Mean"
        figures.append(_figure("mean", label, wave["mean"], _people(table, threshold)))
    return {
        "wave": wave["wave"],
        "name": wave["name"],
        "figures": figures,
        "table": table.as_dict(),
    }


def _change(change, threshold) -> dict:
    table = change["table"]
    if threshold is not None:
        disclosure.suppress(table, threshold)
    paired = table.total["members"]
    values = {r["key"]: r["values"]["members"] for r in table.rows}
    figures = [
        _total(table, "paired", "Paired members"),
        _figure("mean_change", "Mean change", change["mean_change"], _people(table, threshold)),
    ]
    for group, label in ((IMPROVED, "Improved"), (SAME, "Same"), (WORSE, "Worse")):
        rows = [values[k] for k in GROUPS[group] if k in values]
        hidden = DERIVED if None in rows else ""
        count = None if hidden else sum(rows)
        figures.append(_figure(group, label, count, hidden))
        share_hidden = hidden or (DERIVED if paired is None else "")
        figures.append(
            _figure(f"{group}_percent", f"{label} (%)", _share(count or 0, paired), share_hidden)
        )
    return {
        "wave": change["wave"],
        "name": change["name"],
        "figures": figures,
        "table": table.as_dict(),
    }


def _group(group, threshold) -> dict:
    table = group["table"]
    if threshold is not None:
        disclosure.suppress(table, threshold)
    paired = table.total["members"]
    figures = [_total(table, "paired", "Paired members")]
    for row in table.rows:
        count = row["values"]["members"]
        hidden = DERIVED if count is None or paired is None else ""
        figures.append(
            _figure(
                f"{row['key']}_percent", f"{row['label']} (%)", _share(count or 0, paired), hidden
            )
        )
    return {"figures": figures, "table": table.as_dict()}


def _present(report: dict, *, threshold: int | None) -> dict:
    report["measures"] = [
        {
            **{k: v for k, v in m.items() if k not in ("waves", "changes")},
            "waves": [_wave(m, w, threshold) for w in m["waves"]],
            "changes": [_change(c, threshold) for c in m["changes"]],
        }
        for m in report["measures"]
    ]
    report["outcomes"] = [
        {
            "id": o["id"],
            "name": o["name"],
            **_group(o, threshold),
            "indicators": [
                {
                    "id": i["id"],
                    "name": i["name"],
                    "measures": i["measures"],
                    **_group(i, threshold),
                }
                for i in o["indicators"]
            ],
        }
        for o in report["outcomes"]
    ]
    report["suppressed"] = threshold is not None
    return report


def programme_outcomes_report(
    *, actor, programme, period_start, period_end, organisation=None, area=""
) -> dict:
    """A programme's outcomes for its commissioners and admins, always with disclosure control."""
    require(actor, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    return build_programme_outcomes_report(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        area=area,
    )


def build_programme_outcomes_report(
    *, programme, period_start, period_end, organisation=None, area=""
) -> dict:
    """The suppressed outcomes with no permission check, for callers that have made their own
    (the monthly snapshot, built by the worker for the programme's readers)."""
    _check_period(period_start, period_end)
    figures = outcome_figures(programme, period_start, period_end, organisation, area)
    return _present(figures, threshold=programme.report_threshold)


def organisation_outcomes_report(
    *, actor, organisation, programme, period_start, period_end, area=""
) -> dict:
    """One organisation's own outcomes in a programme, unsuppressed, for its own staff."""
    require(actor, Action.ORGANISATION_REPORTS_VIEW, organisation=organisation)
    _check_period(period_start, period_end)
    programme = organisation_programme(organisation=organisation, programme=programme)
    figures = outcome_figures(programme, period_start, period_end, organisation, area)
    return _present(figures, threshold=None)


def _rows(section, block, name) -> list[list]:
    """A block's figures, then its table's cells; a hidden value is blank with its reason."""
    lines = [
        [section, name, f["label"], "", "" if f["value"] is None else f["value"], f["suppressed"]]
        for f in block["figures"]
    ]
    table = block["table"]
    if not table["rows"]:  # a mean alone: its total is the respondents above
        return lines
    reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
    for row in [*table["rows"], {"key": "total", "label": "Total", "values": table["total"]}]:
        value = row["values"]["members"]
        reason = reasons.get((row["key"], "members"), "")
        lines.append(
            [section, name, row["label"], "Members", "" if value is None else value, reason]
        )
    return lines


def outcomes_csv(report: dict) -> str:
    """Copyright lines first, then one line per figure and per cell."""
    out = io.StringIO()
    writer = SafeWriter(out)
    for line in report["copyright"]:
        writer.writerow(["copyright", line])
    writer.writerow(["section", "wave", "row", "column", "value", "suppressed"])
    for measure in report["measures"]:
        for wave in measure["waves"]:
            writer.writerows(_rows(measure["label"], wave, wave["name"]))
        for change in measure["changes"]:
            writer.writerows(_rows(measure["label"], change, f"Baseline to {change['name']}"))
    for outcome in report["outcomes"]:
        writer.writerows(_rows(f"Outcome: {outcome['name']}", outcome, "Latest follow-up"))
        for indicator in outcome["indicators"]:
            section = f"Outcome: {outcome['name']}: {indicator['name']}"
            writer.writerows(_rows(section, indicator, "Latest follow-up"))
    return out.getvalue()


def outcome_blocks(report: dict):
    """Every block of figures with its table, in the page's order, and the copyright line of
    the instrument it measures, if any."""
    for outcome in report["outcomes"]:
        yield outcome, ""
        for indicator in outcome["indicators"]:
            yield indicator, ""
    for measure in report["measures"]:
        for block in [*measure["waves"], *measure["changes"]]:
            yield block, measure["copyright"]


def outcomes_tabulated(report: dict) -> dict:
    """The presented outcomes in the shape `exports.report_xlsx` and the printable page read:
    each block's figures named by its table's title, and each table that has rows (a mean alone
    has none: its respondents are among the figures). The same suppressed values, never
    recomputed; a table of an instrument with a copyright line carries it in its note."""
    figures, tables = [], []
    for block, copyright in outcome_blocks(report):
        table = block["table"]
        figures += [
            {**f, "key": f"{table['name']}.{f['key']}", "label": f"{table['title']}: {f['label']}"}
            for f in block["figures"]
        ]
        if table["rows"]:
            note = " ".join(part for part in (table["note"], copyright) if part)
            tables.append({**table, "note": note, "sheet": f"{len(tables) + 1} {table['title']}"})
    return {**report, "figures": figures, "tables": tables}


def outcomes_about(
    report: dict, *, programme_name: str, organisation_name: str = "", generated_at
) -> list[tuple[str, str]]:
    """`exports.report_about` for outcomes: with when a mean is hidden, and the copyright line
    of every instrument whose figures are in the report."""
    notes = []
    if report["suppressed"]:
        notes.append(
            f"A mean or a share is shown only over {report['threshold']} or more people and "
            "when nothing in its table is hidden."
        )
    about = report_about(
        {**report, "notes": notes},
        programme_name=programme_name,
        organisation_name=organisation_name,
        generated_at=generated_at,
    )
    return [*about, *(("Copyright", line) for line in report["copyright"])]


def outcomes_xlsx(report: dict, *, about: list[tuple[str, str]]) -> bytes:
    return report_xlsx(outcomes_tabulated(report), about=about, reasons=WHY)
