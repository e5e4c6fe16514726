"""The report pages as a dashboard: pure functions from presented reports (already suppressed for
whoever reads them) to what the templates draw: headline tiles with their change on the previous
period, tables with human labels and bars, and the outcomes' blocks. No ORM, and no figure is
worked out here besides units (ledger minutes -> credits) and the change between two figures
that are both shown: a figure hidden on either side hides its change.

Labels come from here, translated, not from the selectors' plain English: a code (an activity
type, a demographic band, yes/no) reads as its choice's label, and credits never as minutes."""

import datetime
import re

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from timecredits.activities.selectors import ActivityType
from timecredits.spending.selectors import OFFER_CATEGORIES
from timecredits.templatetags.credits import credits

from .disclosure import DIFFERENCE, NOT_YET_KNOWN, SECONDARY, SMALL
from .outputs.selectors.figures import DEMOGRAPHICS
from .periods import compared_period, whole_months

HOURS, CREDITS, COUNT = "hours", "credits", "count"
# (key, label, unit) of the headline figures, in the order a commissioner reads them: the first
# six are the large tiles, the rest the smaller ones under them.
FIGURES = [
    ("hours_given", gettext_lazy("Hours given"), HOURS),
    ("active_members", gettext_lazy("Active members"), COUNT),
    ("new_members", gettext_lazy("New members"), COUNT),
    ("sessions_held", gettext_lazy("Sessions held"), COUNT),
    ("credits_earned_minutes", gettext_lazy("Credits earned"), CREDITS),
    ("credits_spent_minutes", gettext_lazy("Credits spent"), CREDITS),
    ("new_to_volunteering", gettext_lazy("New members new to volunteering"), COUNT),
    ("check_ins", gettext_lazy("Check-ins"), COUNT),
    ("active_organisations", gettext_lazy("Active organisations"), COUNT),
    ("credits_donated_minutes", gettext_lazy("Credits donated"), CREDITS),
    ("credits_expired_minutes", gettext_lazy("Credits expired"), CREDITS),
    ("credits_unspent_minutes", gettext_lazy("Credits unspent at the end"), CREDITS),
]
HEADLINE = 6

WHY = {
    SMALL: gettext_lazy("fewer people than the programme's threshold"),
    SECONDARY: gettext_lazy("hidden so that the total cannot reveal another hidden cell"),
    DIFFERENCE: gettext_lazy(
        "hidden because it, or a total it adds up to, would differ from another figure shown "
        "by a small count"
    ),
    NOT_YET_KNOWN: gettext_lazy("not yet known: the time it measures has not passed for everyone"),
    "derived": gettext_lazy("hidden because a count it comes from is hidden"),
}

NOT_ANSWERED = gettext_lazy("Not answered")
SEVERAL = gettext_lazy(
    "A member active in several rows is counted in each; the total adds the rows."
)
TITLES = {
    "new_members": gettext_lazy("New members, by whether they are new to volunteering"),
    "activity_type": gettext_lazy("By activity type"),
    "area": gettext_lazy("By area"),
    "age_band": gettext_lazy("By age band (members who consent to reports)"),
    "gender": gettext_lazy("By gender (members who consent to reports)"),
    "regularity": gettext_lazy("Active members, by how regularly they gave time"),
    "retention": gettext_lazy("Still active after 3, 6 and 12 months"),
    "spend_by_venue": gettext_lazy("Spending by venue"),
    "spend_by_category": gettext_lazy("Spending by offer category"),
    "reach_by_area": gettext_lazy("Reach by area: members against the population"),
    "reach_by_age_band": gettext_lazy(
        "Reach by age band: members who consent to reports against the population"
    ),
}
NOTES = {
    "activity_type": SEVERAL,
    "spend_by_venue": SEVERAL,
    "spend_by_category": SEVERAL,
    "regularity": gettext_lazy(
        "Weekly: active in at least half of the period's calendar weeks. Monthly: otherwise, in "
        "at least half of its calendar months. Occasional: the rest."
    ),
    "retention": gettext_lazy(
        "Members whose first approved contribution was in this period, and how many of them "
        "gave time again in the 3rd, 6th or 12th calendar month after it, or later."
    ),
    "reach_by_area": gettext_lazy(
        "Members counted as in the table by area; rows without an imported population are left out."
    ),
    "reach_by_age_band": gettext_lazy(
        "Members counted as in the table by age band; rows without an imported population are "
        "left out."
    ),
}
COLUMNS = {
    "members": (gettext_lazy("Members"), COUNT),
    "hours": (gettext_lazy("Hours given"), HOURS),
    "credits_minutes": (gettext_lazy("Credits spent"), CREDITS),
    "percent": (gettext_lazy("Share of those who started"), "percent"),
    "population": (gettext_lazy("Population"), COUNT),
    "per_1000": (gettext_lazy("Members per 1,000 residents"), "rate"),
}
ROWS = {
    "new_members": {
        "yes": gettext_lazy("New to volunteering"),
        "no": gettext_lazy("Volunteered before"),
    },
    "activity_type": dict(ActivityType.choices),
    "age_band": dict(DEMOGRAPHICS["age_band"].choices),
    "reach_by_age_band": dict(DEMOGRAPHICS["age_band"].choices),
    "gender": dict(DEMOGRAPHICS["gender"].choices),
    "regularity": {
        "weekly": pgettext_lazy("regularity", "Weekly"),
        "monthly": pgettext_lazy("regularity", "Monthly"),
        "occasional": pgettext_lazy("regularity", "Occasional"),
    },
    "spend_by_category": OFFER_CATEGORIES,
}
OUTCOME_ROWS = {
    "improved": gettext_lazy("Improved"),
    "same": gettext_lazy("No clear change"),
    "worse": gettext_lazy("Worse"),
}
BINS = {
    "worse": gettext_lazy("Worse"),
    "same": gettext_lazy("No change"),
    "better": gettext_lazy("Better"),
}
BINS_BY = {
    "worse_large": gettext_lazy("Worse by %(n)s or more"),
    "worse": gettext_lazy("Worse by less than %(n)s"),
    "better": gettext_lazy("Better by less than %(n)s"),
    "better_large": gettext_lazy("Better by %(n)s or more"),
}


def number(value) -> str:
    """A figure as the reader's language writes it: 1,234 or 5.5, never 5.50."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, float):
        value = round(value, 1)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def shown(value, unit: str) -> str:
    """A shown figure in its unit: hours as hours, ledger minutes as credits."""
    if value is None:
        return ""
    if unit == CREDITS:
        return formats.number_format(credits(value), use_l10n=True, force_grouping=True)
    if unit == "percent":
        return _("%(value)s%%") % {"value": number(value)}
    return number(value)


def why(reason: str) -> str:
    return str(WHY.get(reason, reason))


# --- The period and the one before it -----------------------------------------------------------


def since_words(start: datetime.date, end: datetime.date) -> str:
    """ "the previous month", "the previous 3 months", "the previous 10 days"."""
    months = whole_months(start, end)
    if months:
        return ngettext("the previous month", "the previous %(n)s months", months) % {"n": months}
    days = (end - start).days + 1
    return ngettext("the previous day", "the previous %(n)s days", days) % {"n": days}


def compared_with(start: datetime.date, end: datetime.date, *, today: datetime.date) -> tuple:
    """The period a report is set against (`periods.compared_period`), and its words: "the
    previous month", or "1 Nov to 5 Nov" while the period is still running."""
    before = compared_period(start, end, today=today)
    if not start <= today < end:
        return before, since_words(*before)
    words = _("%(start)s to %(end)s") % {
        "start": formats.date_format(before[0], "j M"),
        "end": formats.date_format(before[1], "j M"),
    }
    return before, words


# --- Headline tiles -----------------------------------------------------------------------------


def change(current, previous, *, reasons=("", ""), threshold=None, since: str) -> dict:
    """How a shown figure moved on the previous period's: `direction` (up, down, same or none),
    the `words` a reader reads beside the arrow, and whether it is `shown`. Either side hidden
    (None, with its reason in `reasons`) hides the change too."""
    if current is None or previous is None:
        reason = reasons[0] if current is None else reasons[1]
        if reason == SMALL and threshold:
            words = _("Change not shown: fewer than %(threshold)s") % {"threshold": threshold}
        else:
            words = _("Change not shown: a figure is suppressed")
        return {"shown": False, "direction": "none", "words": words, "percent": None}
    if current == previous:
        return {
            "shown": True,
            "direction": "same",
            "words": _("No change on %(since)s") % {"since": since},
            "percent": 0,
        }
    up = current > previous
    if previous == 0:
        words = _("Up from none on %(since)s") % {"since": since}
        return {"shown": True, "direction": "up", "words": words, "percent": None}
    percent = round(100 * abs(current - previous) / previous)
    template = _("Up %(percent)s%% on %(since)s") if up else _("Down %(percent)s%% on %(since)s")
    return {
        "shown": True,
        "direction": "up" if up else "down",
        "words": template % {"percent": number(percent), "since": since},
        "percent": percent if up else -percent,
    }


def tiles(report: dict, previous: dict | None, *, since: str = "") -> list[dict]:
    """The report's headline figures as tiles, each with its change on `previous` (the same
    report for the period before, suppressed the same way), if there is one."""
    figures = {f["key"]: f for f in report["figures"]}
    before = {f["key"]: f for f in previous["figures"]} if previous else {}
    threshold = report.get("threshold") if report.get("suppressed") else None
    found = []
    for i, (key, label, unit) in enumerate(FIGURES):
        figure = figures.get(key)
        if figure is None:
            continue
        tile = {
            "key": key,
            "label": label,
            "value": figure["value"],
            "shown": shown(figure["value"], unit),
            "suppressed": figure["suppressed"],
            "why": why(figure["suppressed"]) if figure["suppressed"] else "",
            "headline": i < HEADLINE,
            "change": None,
        }
        if key in before:
            was = before[key]
            tile["change"] = change(
                figure["value"],
                was["value"],
                reasons=(figure["suppressed"], was["suppressed"]),
                threshold=threshold,
                since=since,
            )
            tile["was"] = shown(was["value"], unit)
        found.append(tile)
    return found


# --- Tables -------------------------------------------------------------------------------------


def row_label(table: str, key: str, fallback: str) -> str:
    if key in ("", "None", "unknown"):
        return str(NOT_ANSWERED)
    if table == "retention" and key.isdigit():
        n = int(key)
        return ngettext("After %(n)s month", "After %(n)s months", n) % {"n": n}
    label = ROWS.get(table, {}).get(key)
    return str(label) if label is not None else fallback


def _column_words(column: dict) -> str:
    """A column's label for a download, which holds values as the report does: ledger minutes
    and percentages say so."""
    label, unit = COLUMNS.get(column["key"], (column["label"], COUNT))
    if unit == CREDITS:
        return _("%(label)s (minutes)") % {"label": label}
    if unit == "percent":
        return _("%(label)s (%%)") % {"label": label}
    return str(label)


def translated(report: dict) -> dict:
    """The presented outputs with their tables' words in the reader's language, as the page
    has them, for a download: titles, notes, column and row labels. Values, and what is hidden
    and why, are as they were."""
    tables = []
    for presented in report["tables"]:
        name = presented["name"]
        tables.append(
            {
                **presented,
                "title": str(TITLES.get(name, presented["title"])),
                "note": str(NOTES.get(name, "")) or presented.get("note", ""),
                "columns": [{**c, "label": _column_words(c)} for c in presented["columns"]],
                "rows": [
                    {**row, "label": row_label(name, row["key"], row["label"])}
                    for row in presented["rows"]
                ],
                "total_label": _(presented.get("total_label") or "Total"),
            }
        )
    return {**report, "tables": tables}


def table(presented: dict) -> dict:
    """A presented table as the dashboard draws it: translated title, note and labels, cells in
    their units with why any is empty, a bar for each row's first figure (none for a hidden
    one), and what was hidden, row by row, in words."""
    name = presented["name"]
    columns = [
        {"key": c["key"], "label": COLUMNS.get(c["key"], (c["label"], COUNT))[0]}
        for c in presented["columns"]
    ]
    units = [COLUMNS.get(c["key"], (None, COUNT))[1] for c in presented["columns"]]
    reasons = {(s["row"], s["column"]): s["reason"] for s in presented["suppressed"]}
    first = presented["columns"][0]["key"] if presented["columns"] else None
    bar_values = [r["values"].get(first) for r in presented["rows"]]
    largest = max((v for v in bar_values if v is not None), default=0) or 1

    def cells(key, values):
        return [
            {
                "value": values.get(c["key"]),
                "shown": shown(values.get(c["key"]), unit),
                "reason": reasons.get((key, c["key"]), ""),
                "label": c["label"],
            }
            for c, unit in zip(columns, units, strict=True)
        ]

    rows = []
    labels = {"total": str(_("Total"))}
    for row in presented["rows"]:
        label = row_label(name, row["key"], row["label"])
        labels[row["key"]] = label
        value = row["values"].get(first)
        rows.append(
            {
                "key": row["key"],
                "label": label,
                "cells": cells(row["key"], row["values"]),
                "bar": None if value is None else round(100 * value / largest, 1),
            }
        )
    total_label = str(_("Started in the period")) if name == "retention" else str(_("Total"))
    labels["total"] = total_label if name == "retention" else str(_("the total"))
    hidden, seen = [], set()
    for s in presented["suppressed"]:
        if (s["row"], s["reason"]) in seen:
            continue
        seen.add((s["row"], s["reason"]))
        hidden.append({"label": labels.get(s["row"], s["row"]), "why": why(s["reason"])})
    return {
        "name": name,
        "title": str(TITLES.get(name, presented["title"])),
        "note": str(NOTES.get(name, "")) or presented.get("note", ""),
        "columns": columns,
        "rows": rows,
        "total_label": total_label,
        "total": cells("total", presented["total"]) if presented["total"] else [],
        "hidden": hidden,
        "bars": first is not None and any(r["bar"] is not None for r in rows),
    }


# --- Outcomes -----------------------------------------------------------------------------------


def wave_name(wave: int) -> str:
    if wave == 0:
        return str(_("Baseline"))
    return ngettext("%(n)s month", "%(n)s months", wave) % {"n": wave}


OUTCOME_FIGURES = {
    "respondents": gettext_lazy("Respondents"),
    "paired": gettext_lazy("Members with a baseline and a follow-up"),
    "mean_change": gettext_lazy("Mean change"),
}


def _outcome_figure(figure: dict, *, share: bool = False) -> dict:
    key = figure["key"]
    percent = key.endswith("_percent")
    base = key.removesuffix("_percent")
    if key == "mean":
        label = _("Share answering yes") if share else _("Mean score")
    elif base in OUTCOME_ROWS:
        label = OUTCOME_ROWS[base]
    else:
        label = OUTCOME_FIGURES.get(key, figure["label"])
    value = figure["value"]
    if value is None:
        text = ""
    elif percent or (key == "mean" and share):
        text = _("%(value)s%%") % {"value": number(float(value))}
    else:
        text = number(float(value)) if not isinstance(value, int) else number(value)
    return {
        "key": key,
        "label": str(label),
        "percent": percent,
        "value": value,
        "shown": text,
        "suppressed": figure["suppressed"],
        "why": why(figure["suppressed"]) if figure["suppressed"] else "",
    }


def _bin_label(key: str, fallback: str) -> str:
    size = re.search(r"\d+(?:\.\d+)?", fallback)
    if key in BINS_BY and size:
        return str(BINS_BY[key]) % {"n": size.group()}
    return str(BINS.get(key, fallback))


def distance_travelled(presented: dict) -> dict:
    """A change's table of members by how far they moved, worst to best, as a chart: each bin a
    bar with its count, a hidden bin marked suppressed (never a bar of 0)."""
    shaped = table(presented)
    for row in shaped["rows"]:
        row["label"] = _bin_label(row["key"], row["label"])
        row["side"] = row["key"].split("_")[0]
    return shaped


def outcome_block(block: dict, *, share: bool = False, distance: bool = False) -> dict:
    """A wave, a change, an outcome or an indicator: its figures and its table, labelled."""
    if distance:
        shaped = distance_travelled(block["table"])
        shaped["title"] = _("Members by how far they moved since their baseline")
    else:
        shaped = table(block["table"])
        verdicts = False
        for row in shaped["rows"]:
            if row["key"] in OUTCOME_ROWS:  # an outcome's or an indicator's verdicts
                row["label"] = str(OUTCOME_ROWS[row["key"]])
                verdicts = True
        shaped["title"] = (
            _("Members by whether they improved") if verdicts else _("Members by their answer")
        )
        if verdicts:
            shaped["note"] = _(
                "Each member once, at their latest follow-up in the period, against their baseline."
            )
    return {
        **{k: v for k, v in block.items() if k not in ("figures", "table")},
        "name": wave_name(block["wave"]) if "wave" in block else block.get("name", ""),
        # Improved, same and worse as counts are the table's rows added up: the tiles give
        # their shares.
        "figures": [
            _outcome_figure(f, share=share)
            for f in block["figures"]
            if f["key"] not in OUTCOME_ROWS
        ],
        "table": shaped,
    }


def _about(block: dict, key: str, *about: str) -> dict:
    """A block whose table is named `key` on the page (its heading's id: the same table comes
    once for each outcome, indicator, measure and wave) and says what it is `about` to a
    screen reader's list of regions, where its title alone is the same as its neighbours'."""
    block["table"] = {**block["table"], "name": key, "about": ", ".join(about)}
    return block


def outcomes(report: dict) -> dict:
    """The outcomes report with every block labelled for the page."""
    return {
        **report,
        "outcomes": [
            {
                **_about(outcome_block(o), f"outcome-{o['id']}", o["name"]),
                "indicators": [
                    _about(outcome_block(i), f"indicator-{i['id']}", o["name"], i["name"])
                    for i in o["indicators"]
                ],
            }
            for o in report["outcomes"]
        ],
        "measures": [
            {
                **m,
                "waves": [
                    _about(block, f"{m['key']}-wave-{n}", m["label"], block["name"])
                    for n, block in enumerate(
                        outcome_block(w, share=m["share"]) for w in m["waves"]
                    )
                ],
                "changes": [
                    _about(block, f"{m['key']}-change-{n}", m["label"], block["name"])
                    for n, block in enumerate(outcome_block(c, distance=True) for c in m["changes"])
                ],
            }
            for m in report["measures"]
        ],
    }


# --- The filters panel --------------------------------------------------------------------------


def filters_on(form) -> int:
    """How many filters besides the period the page's form has set."""
    if not form.is_bound:
        return 0
    skip = {"period", "month", "quarter", "start", "end"}
    return sum(1 for name in form.fields if name not in skip and form.data.get(name))


# --- Valuation ----------------------------------------------------------------------------------

VALUATION_NOTE = gettext_lazy(
    "Estimates, not measured figures: each line multiplies a quantity by the programme's own "
    "value per unit, less deadweight and attribution. Lines are not added together, because a "
    "value per hour and a value per outcome can count the same change twice."
)
WITHHELD = {
    "hour": gettext_lazy("Not valued: the hours given are suppressed for this filter."),
    "outcome": gettext_lazy(
        "Not valued: the outcomes report hides how many members improved, and the value would "
        "reveal it."
    ),
}


def money(value) -> str:
    """£1,234.50: a pound amount, to the penny."""
    amount = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("£%(amount)s") % {"amount": amount}


def valuation(presented: dict) -> dict:
    """The valuation's lines as the page shows them: amounts in pounds, the quantity in its
    unit, and why a line is not valued in words."""
    lines = []
    for line in presented["lines"]:
        withheld = str(WITHHELD.get(line["basis"], line["withheld"])) if line["withheld"] else ""
        quantity = line["quantity"]
        lines.append(
            {
                **line,
                "withheld": withheld,
                "quantity_shown": "" if quantity is None else number(float(quantity)),
                "value_shown": money(line["value_per_unit"]),
                "gross_shown": "" if line["gross"] is None else money(line["gross"]),
                "net_shown": "" if line["net"] is None else money(line["net"]),
            }
        )
    return {**presented, "note": str(VALUATION_NOTE), "lines": lines}
