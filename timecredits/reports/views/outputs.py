"""The programme's output report page with its CSV, XLSX and printable page, and an
organisation's own report page with its CSV: parse the form, call one use case, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from timecredits.errors import Invalid

from ..charts import bar_chart, trend_chart
from ..exports import Download, report_about
from ..forms import OutputsForm
from ..use_cases import outputs
from .common import asked, download, printable, programme_page, queries


@login_required
@require_GET
def programme_outputs(request, programme_id):
    form, page = programme_page(
        request,
        OutputsForm,
        outputs.programme_outputs_page,
        programme_id,
        download=download(request),
        trend=True,
    )
    if isinstance(page, Download):
        return page.response()
    trend = trend_chart(page["trend"]) if page["report"] else None
    return _render(
        request,
        page["report"],
        programme=page["programme"],
        trend=trend,
        form=form,
        **queries(request),
    )


@login_required
@require_GET
def organisation_outputs(request, organisation_id):
    """An organisation's own figures for its coordinators and admins, as they are (no
    suppression: they are the organisation's own records), with their CSV."""
    raw = request.GET.get("programme", "")
    form = OutputsForm(request.GET or {"period": "month"})
    page = outputs.organisation_outputs_page(
        actor=request.user,
        organisation_id=organisation_id,
        programme_id=int(raw) if raw.isdigit() else None,
        download=download(request, offered=("csv",)),
        **asked(form),
    )
    if isinstance(page, Download):
        return page.response()
    return _render(
        request,
        page["report"],
        programme=page["programme"],
        organisation=page["organisation"],
        form=form,
        csv_query=queries(request)["csv_query"],
    )


def _render(request, report, **context):
    """The report page, its tables drawn as bars."""
    for table in (report or {}).get("tables", []):
        _add_bars(table)
    return render(request, "reports/outputs.html", {"report": report, **context})


@login_required
@require_GET
def programme_report_print(request, programme_id):
    """The same report on A4: every figure and table, what was hidden, and when it was made."""
    form, page = programme_page(request, OutputsForm, outputs.programme_outputs_page, programme_id)
    if page["report"] is None:
        raise Invalid("Choose a month, a quarter, or both dates.", detail=form.errors)
    about = report_about(
        page["report"],
        programme_name=page["programme"].name,
        organisation_name=page["organisation"].name if page["organisation"] else "",
        generated_at=timezone.localtime(),
    )
    return render(
        request,
        "reports/print.html",
        {"programme": page["programme"], **printable(page["report"], about)},
    )


def _add_bars(table: dict) -> None:
    """The table's bar chart, and its cells with why any is empty, for the template."""
    table["chart"] = bar_chart(table)
    reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
    for row in table["rows"]:
        row["cells"] = [
            {"value": row["values"][c["key"]], "reason": reasons.get((row["key"], c["key"]))}
            for c in table["columns"]
        ]
    table["total_cells"] = [
        {"value": table["total"][c["key"]], "reason": reasons.get(("total", c["key"]))}
        for c in table["columns"]
        if table["total"]
    ]
