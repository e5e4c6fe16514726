"""Outcome figures as a reader gets them, suppressed: for commissioners and programme admins, and
for an organisation's coordinators and admins their own organisation's (who know who came).
Reads only; who may ask is checked by the use cases (`reports.use_cases.outcomes`).

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

from django.utils.translation import gettext, gettext_noop

from ... import disclosure
from ...outputs.selectors.figures import Filter
from ...outputs.selectors.presented import organisation_programme
from ...periods import check_period
from .figures import IMPROVED, SAME, WORSE, outcome_figures

DERIVED = "derived"
WHY = {
    **disclosure.REASONS,
    DERIVED: gettext_noop("hidden because a count it comes from is hidden"),
}
GROUPS = {IMPROVED: ("better", "better_large"), SAME: ("same",), WORSE: ("worse", "worse_large")}


def _figure(key, label, value, reason="") -> dict:
    value = None if reason else value
    return {
        "key": key,
        "label": label,
        "value": value,
        "suppressed": reason,
        "why": gettext(WHY[reason]) if reason in WHY else None,
    }


def percent(label: str) -> str:
    """A figure's label as a percentage."""
    return gettext("%(label)s (%%)") % {"label": label}


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


def _suppressed(block, threshold):
    """The block's table, suppressed unless there is no threshold (an organisation's own)."""
    table = block["table"]
    if threshold is not None:
        disclosure.suppress(table, threshold)
    return table


def _block(block, figures, table) -> dict:
    return {
        "wave": block["wave"],
        "name": block["name"],
        "figures": figures,
        "table": table.as_dict(),
    }


def _wave(measure, wave, threshold) -> dict:
    table = _suppressed(wave, threshold)
    figures = [_total(table, "respondents", gettext("Respondents"))]
    if wave["mean"] is not None:
        label = gettext("Share answering yes") if measure["share"] else gettext("Mean")
        figures.append(_figure("mean", label, wave["mean"], _people(table, threshold)))
    return _block(wave, figures, table)


def _change(change, threshold) -> dict:
    table = _suppressed(change, threshold)
    paired = table.total["members"]
    values = {r["key"]: r["values"]["members"] for r in table.rows}
    figures = [
        _total(table, "paired", gettext("Paired members")),
        _figure(
            "mean_change", gettext("Mean change"), change["mean_change"], _people(table, threshold)
        ),
    ]
    for group, label in (
        (IMPROVED, gettext("Improved")),
        (SAME, gettext("Same")),
        (WORSE, gettext("Worse")),
    ):
        rows = [values[k] for k in GROUPS[group] if k in values]
        hidden = DERIVED if None in rows else ""
        count = None if hidden else sum(rows)
        figures.append(_figure(group, label, count, hidden))
        share_hidden = hidden or (DERIVED if paired is None else "")
        figures.append(
            _figure(f"{group}_percent", percent(label), _share(count or 0, paired), share_hidden)
        )
    return _block(change, figures, table)


def _group(group, threshold) -> dict:
    table = _suppressed(group, threshold)
    paired = table.total["members"]
    figures = [_total(table, "paired", gettext("Paired members"))]
    for row in table.rows:
        count = row["values"]["members"]
        hidden = DERIVED if count is None or paired is None else ""
        figures.append(
            _figure(
                f"{row['key']}_percent", percent(row["label"]), _share(count or 0, paired), hidden
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
    *, programme, period_start, period_end, organisation=None, area=""
) -> dict:
    """A programme's outcomes for its commissioners and admins, always with disclosure control."""
    check_period(period_start, period_end)
    figures = outcome_figures(
        Filter(programme, period_start, period_end, organisation, area=area or "")
    )
    return _present(figures, threshold=programme.report_threshold)


def organisation_outcomes_report(
    *, organisation, programme, period_start, period_end, area=""
) -> dict:
    """One organisation's own outcomes in a programme, for its own staff, suppressed like the
    programme's: a mean of one person's answers is that person's, and staff know who came."""
    check_period(period_start, period_end)
    programme = organisation_programme(organisation=organisation, programme=programme)
    figures = outcome_figures(
        Filter(programme, period_start, period_end, organisation, area=area or "")
    )
    return _present(figures, threshold=programme.report_threshold)
