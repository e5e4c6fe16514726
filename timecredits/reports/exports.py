"""Downloads: a presented report (see `outputs.selectors.presented.programme_report`) or its
outcomes as a CSV file or a spreadsheet, and the lines that say what a report is about. Pure: no
ORM, no permission checks; callers (the use cases) pass only what the reader may see, and pages
and the API serve the same `Download`.

A presented report is a dict with `figures` (each `key`, `label`, `value`, `suppressed`) and
`tables` (each `title`, `note`, `columns`, `rows`, `total` and `suppressed` cells, and optionally
the `sheet` to name after it), and optionally `copyright` lines. Any figure or table added there
appears here without change. A hidden value is None: its cell is left blank, never 0, and the
reason is written beside it.
"""

import datetime
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from timecredits.activities.selectors import ActivityType
from timecredits.downloads import CSV, Download
from timecredits.spreadsheets import SafeWriter
from timecredits.text import CONTROL

from .dashboard import VALUATION_NOTE, WITHHELD, translated
from .disclosure import REASONS
from .outcomes.selectors.presented import WHY as OUTCOME_REASONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")


def served(answer):
    """A use case's answer as a router returns it: a `Download` as its HTTP response, data as
    it is (for the schema to render)."""
    return answer.response() if isinstance(answer, Download) else answer


def report_download(
    report: dict,
    *,
    of: str = "outputs",
    format: str,
    name: str,
    programme=None,
    organisation=None,
    generated_at=None,
) -> Download:
    """A presented report, of its outputs or (`of="outcomes"`) its outcomes, as `name`.csv or
    `name`.xlsx, whose "About" sheet names the programme and organisation it is about and says
    when it was generated (`generated_at`, by default now)."""
    to_csv, about, to_xlsx = {
        "outputs": (report_csv, report_about, report_xlsx),
        "outcomes": (outcomes_csv, outcomes_about, outcomes_xlsx),
        "valuation": (valuation_csv, valuation_about, valuation_xlsx),
    }[of]
    if of == "outputs":  # its tables' words as the page has them, in the reader's language
        report = translated(report)
    if format == "csv":
        return Download(to_csv(report), CSV, f"{name}.csv")
    lines = about(
        report,
        programme_name=programme.name if programme is not None else "",
        organisation_name=organisation.name if organisation is not None else "",
        generated_at=generated_at or timezone.localtime(),
    )
    return Download(to_xlsx(report, about=lines), XLSX, f"{name}.xlsx")


def report_about(
    report: dict, *, programme_name: str, organisation_name: str = "", generated_at
) -> list[tuple[str, str]]:
    """Label and value for each thing a reader must know to read the report."""
    threshold = report.get("threshold")
    if report.get("suppressed"):
        disclosure = _(
            "Counts of fewer than %(threshold)s people are suppressed (left blank), and other "
            "values where needed so that totals cannot reveal them."
        ) % {"threshold": threshold}
    else:
        disclosure = _("Not applied: the organisation's own figures, for its own staff.")
    every = _("All")
    activity_type = report.get("activity_type") or ""
    demographics = sorted((report.get("demographics") or {}).items())
    return [
        (_("Programme"), programme_name),
        (
            _("Period"),
            _("%(start)s to %(end)s")
            % {"start": report["period_start"], "end": report["period_end"]},
        ),
        (_("Organisation"), organisation_name or every),
        (
            _("Activity type"),
            str(dict(ActivityType.choices).get(activity_type, activity_type) or every),
        ),
        (_("Area"), report.get("area") or every),
        *((label.replace("_", " ").capitalize(), answer) for label, answer in demographics),
        *((_("Note"), note) for note in report.get("notes", [])),
        (_("Smallest count shown"), str(threshold)),
        (_("Disclosure control"), disclosure),
        (_("Generated"), _when(generated_at)),
        *([(_("Figures as of"), figures_as_of(report))] if report.get("as_of") else []),
    ]


def figures_as_of(report: dict) -> str:
    """When a dashboard's figures were computed, and whether the background worker kept them."""
    source = (
        _("kept by the background worker, refreshed every few minutes")
        if report.get("from_worker")
        else _("computed for this request")
    )
    return f"{_when(report['as_of'])} ({source})"


def _when(moment) -> str:
    if isinstance(moment, datetime.datetime):
        return f"{moment:%Y-%m-%d %H:%M:%S %Z}".strip()
    return str(moment)


def report_xlsx(
    report: dict,
    *,
    about: list[tuple[str, str]],
    reasons: dict = REASONS,
    figures_sheet: bool = True,
) -> bytes:
    """An "About" sheet, a "Figures" sheet (unless the report has no place for figures) and one
    sheet per table; `reasons` says what each reason for hiding a value means."""
    book = Workbook()
    sheet = book.active
    sheet.title = "About"
    _header(sheet, [_("About this report"), ""])
    for label, value in about:
        _append(sheet, [label, value])
    _append(sheet, [])
    for reason, why in reasons.items():
        _append(sheet, [_("Suppressed (%(reason)s)") % {"reason": reason}, _(why)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70

    if figures_sheet:
        sheet = book.create_sheet("Figures")
        _header(sheet, [_("Figure"), _("Value"), _("Suppressed")])
        for figure in report["figures"]:
            reason = figure["suppressed"]
            why = reasons.get(reason, reason)
            _append(sheet, [figure["label"], figure["value"], _(why) if why else ""])
        if report.get("copyright"):
            _append(sheet, [])
        for line in report.get("copyright", []):
            _append(sheet, [_("Copyright"), line])
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["C"].width = 50

    names = {"About", "Figures"}
    for table in report["tables"]:
        sheet = book.create_sheet(_sheet_name(table.get("sheet") or table["title"], names))
        _table(sheet, table)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_lines(table: dict) -> list[dict]:
    """Each row and then the total: its label, its values in column order, and why any of them
    was hidden."""
    reasons = {(s["row"], s["column"]): s["why"] for s in table["suppressed"]}
    keys = [c["key"] for c in table["columns"]]
    lines = []
    # A label the selectors left in English (the Table's default) reads in the reader's language.
    label = _(table.get("total_label") or "Total")
    total = {"key": "total", "label": label, "values": table["total"]}
    for row in [*table["rows"], *([total] if table["total"] else [])]:
        why = {reasons[row["key"], k] for k in keys if (row["key"], k) in reasons}
        lines.append(
            {
                "label": row["label"],
                "values": [row["values"][k] for k in keys],
                "why": "; ".join(sorted(why)),
                "total": row["key"] == "total",
            }
        )
    return lines


def _table(sheet, table: dict) -> None:
    _append(sheet, [table["title"]])
    sheet["A1"].font = BOLD
    if table["note"]:
        _append(sheet, [table["note"]])
    rows_are = table.get("row_label") or _("Group")
    _header(sheet, [rows_are, *(c["label"] for c in table["columns"]), _("Suppressed")])
    for line in table_lines(table):
        _append(sheet, [line["label"], *line["values"], line["why"]])
        if line["total"]:
            sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.column_dimensions["A"].width = 32
    if not table["suppressed"]:
        _append(sheet, [])
        _append(sheet, [_("Nothing was suppressed in this table.")])


def _header(sheet, labels: list) -> None:
    _append(sheet, labels)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _append(sheet, values: list) -> None:
    """Append a row; text is always stored as text, so a name such as "=SUM(A1)" is never run
    as a formula when the file is opened, and without control characters, which a spreadsheet
    cannot hold (text kept before they were refused may have one)."""
    sheet.append([CONTROL.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _sheet_name(title: str, taken: set) -> str:
    base = SHEET_NAME_REFUSED.sub("-", title).strip("' ")[:31] or "Table"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)].rstrip() + suffix, n + 1
    taken.add(name)
    return name


def report_csv(report: dict) -> str:
    """One line per figure and per cell; a hidden value is blank, with its reason beside it."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["section", "row", "column", "value", "suppressed"])
    if report.get("as_of"):
        writer.writerow(["about", "Figures as of", "", figures_as_of(report), ""])
    for note in report["notes"]:
        writer.writerow(["notes", note, "", "", ""])
    for figure in report["figures"]:
        value = "" if figure["value"] is None else figure["value"]
        writer.writerow(["figures", figure["label"], "", value, figure["suppressed"]])
    for table in report["tables"]:
        reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
        total = {"key": "total", "label": table["total_label"], "values": table["total"]}
        for row in [*table["rows"], *([total] if table["total"] else [])]:
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
    for row in [*table["rows"], {"key": "total", "label": _("Total"), "values": table["total"]}]:
        value = row["values"]["members"]
        reason = reasons.get((row["key"], "members"), "")
        lines.append(
            [section, name, row["label"], _("Members"), "" if value is None else value, reason]
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
            baseline_to = _("Baseline to %(name)s") % {"name": change["name"]}
            writer.writerows(_rows(measure["label"], change, baseline_to))
    for outcome in report["outcomes"]:
        section = _("Outcome: %(name)s") % {"name": outcome["name"]}
        writer.writerows(_rows(section, outcome, _("Latest follow-up")))
        for indicator in outcome["indicators"]:
            writer.writerows(
                _rows(f"{section}: {indicator['name']}", indicator, _("Latest follow-up"))
            )
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
            _(
                "A mean or a share is shown only over %(threshold)s or more people and when "
                "nothing in its table is hidden."
            )
            % {"threshold": report["threshold"]}
        )
    about = report_about(
        {**report, "notes": notes},
        programme_name=programme_name,
        organisation_name=organisation_name,
        generated_at=generated_at,
    )
    return [*about, *((_("Copyright"), line) for line in report["copyright"])]


def outcomes_xlsx(report: dict, *, about: list[tuple[str, str]]) -> bytes:
    return report_xlsx(outcomes_tabulated(report), about=about, reasons=OUTCOME_REASONS)


def valuation_tabulated(valuation: dict) -> dict:
    """A valuation (`valuation.selectors.programme_valuation`) in the shape `report_csv` and
    `report_xlsx` read: one table, a row per proxy value, its estimate left blank where it is
    withheld, with why beside it. Lines are not added together (see the note), so no total."""
    columns = [
        ("counted", _("Counted")),
        ("quantity", _("Quantity")),
        ("value_per_unit", _("Value per unit")),
        ("gross", _("Gross value")),
        ("deadweight_percent", _("Deadweight (%)")),
        ("attribution_percent", _("Attribution (%)")),
        ("net", _("Net value")),
        ("source", _("Source")),
    ]
    rows, suppressed = [], []
    for line in valuation["lines"]:
        key = str(line["proxy_id"])
        counted = str(line["unit"]).capitalize()
        if line["outcome_name"]:
            counted = f"{counted}: {line['outcome_name']}"
        values = {name: line.get(name) for name, _label in columns} | {"counted": counted}
        rows.append({"key": key, "label": line["name"], "values": values})
        if line["withheld"]:
            why = str(WITHHELD.get(line["basis"], line["withheld"]))
            suppressed += [
                {"row": key, "column": name, "reason": why, "why": why}
                for name in ("quantity", "gross", "net")
            ]
    table = {
        "title": _("Estimated social value"),
        "row_label": _("Proxy value"),
        "note": str(VALUATION_NOTE),
        "columns": [{"key": name, "label": label} for name, label in columns],
        "rows": rows,
        "total": None,
        "total_label": "",
        "suppressed": suppressed,
    }
    return {**valuation, "notes": [], "figures": [], "tables": [table], "suppressed": True}


def valuation_csv(valuation: dict) -> str:
    return report_csv(valuation_tabulated(valuation))


def valuation_about(valuation: dict, **about) -> list[tuple[str, str]]:
    """`report_about` for a valuation, which has no activity type to filter by."""
    lines = report_about({**valuation, "suppressed": True, "notes": [str(VALUATION_NOTE)]}, **about)
    return [(label, value) for label, value in lines if label != _("Activity type")]


def valuation_xlsx(valuation: dict, *, about: list[tuple[str, str]]) -> bytes:
    tabulated = valuation_tabulated(valuation)
    return report_xlsx(tabulated, about=about, reasons={}, figures_sheet=False)
