"""A presented report (see `services.programme_report`) as a spreadsheet, and the lines that say
what a report is about. Pure: no ORM, no permission checks; callers pass only what the reader
may see.

A presented report is a dict with `figures` (each `key`, `label`, `value`, `suppressed`) and
`tables` (each `title`, `note`, `columns`, `rows`, `total` and `suppressed` cells, and optionally
the `sheet` to name after it), and optionally `copyright` lines. Any figure or table added there
appears here without change. A hidden value is None: its cell is left blank, never 0, and the
reason is written beside it.
"""

import datetime
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from timecredits.activities.models import Activity

from .disclosure import REASONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")


def report_about(
    report: dict, *, programme_name: str, organisation_name: str = "", generated_at
) -> list[tuple[str, str]]:
    """Label and value for each thing a reader must know to read the report."""
    threshold = report.get("threshold")
    if report.get("suppressed"):
        disclosure = (
            f"Counts of fewer than {threshold} people are suppressed (left blank), and other "
            "values where needed so that totals cannot reveal them."
        )
    else:
        disclosure = "Not applied: the organisation's own figures, for its own staff."
    activity_type = report.get("activity_type") or ""
    demographics = sorted((report.get("demographics") or {}).items())
    return [
        ("Programme", programme_name),
        ("Period", f"{report['period_start']} to {report['period_end']}"),
        ("Organisation", organisation_name or "All"),
        ("Activity type", dict(Activity.Type.choices).get(activity_type, activity_type) or "All"),
        ("Area", report.get("area") or "All"),
        *((label.replace("_", " ").capitalize(), answer) for label, answer in demographics),
        *(("Note", note) for note in report.get("notes", [])),
        ("Smallest count shown", str(threshold)),
        ("Disclosure control", disclosure),
        ("Generated", _when(generated_at)),
        *([("Figures as of", figures_as_of(report))] if report.get("as_of") else []),
    ]


def figures_as_of(report: dict) -> str:
    """When a dashboard's figures were computed, and whether the background worker kept them."""
    source = (
        "kept by the background worker, refreshed every few minutes"
        if report.get("from_worker")
        else "computed for this request"
    )
    return f"{_when(report['as_of'])} ({source})"


def _when(moment) -> str:
    if isinstance(moment, datetime.datetime):
        return f"{moment:%Y-%m-%d %H:%M:%S %Z}".strip()
    return str(moment)


def report_xlsx(report: dict, *, about: list[tuple[str, str]], reasons: dict = REASONS) -> bytes:
    """An "About" sheet, a "Figures" sheet and one sheet per table; `reasons` says what each
    reason for hiding a value means."""
    book = Workbook()
    sheet = book.active
    sheet.title = "About"
    _header(sheet, ["About this report", ""])
    for label, value in about:
        _append(sheet, [label, value])
    _append(sheet, [])
    for reason, why in reasons.items():
        _append(sheet, [f"Suppressed ({reason})", why])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70

    sheet = book.create_sheet("Figures")
    _header(sheet, ["Figure", "Value", "Suppressed"])
    for figure in report["figures"]:
        reason = figure["suppressed"]
        _append(sheet, [figure["label"], figure["value"], reasons.get(reason, reason)])
    if report.get("copyright"):
        _append(sheet, [])
    for line in report.get("copyright", []):
        _append(sheet, ["Copyright", line])
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
    total = {"key": "total", "label": table.get("total_label", "Total"), "values": table["total"]}
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
    _header(sheet, ["Group", *(c["label"] for c in table["columns"]), "Suppressed"])
    for line in table_lines(table):
        _append(sheet, [line["label"], *line["values"], line["why"]])
        if line["total"]:
            sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.column_dimensions["A"].width = 32
    if not table["suppressed"]:
        _append(sheet, [])
        _append(sheet, ["Nothing was suppressed in this table."])


def _header(sheet, labels: list) -> None:
    _append(sheet, labels)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _append(sheet, values: list) -> None:
    """Append a row; text is always stored as text, so a name such as "=SUM(A1)" is never run
    as a formula when the file is opened."""
    sheet.append(values)
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
