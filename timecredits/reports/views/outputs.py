"""The programme's output report page with its CSV, XLSX and printable page, and an
organisation's own report page with its CSV: parse the form, call one use case, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from timecredits.errors import Invalid

from ..charts import bar_chart, trend_chart
from ..exports import report_about
from ..forms import OutputsForm
from ..use_cases import outputs
from .common import download_format, filters, period, printable, queries


@login_required
@require_GET
def programme_outputs(request, programme_id):
    form = OutputsForm(request.GET or {"period": "month"}, programme=programme_id)
    bounds = period(form)
    download = download_format(request)
    if bounds is not None and download:
        start, end = bounds
        return outputs.programme_report_download(
            actor=request.user,
            programme_id=programme_id,
            period_start=start,
            period_end=end,
            format=download,
            name=f"outputs-{programme_id}-{start}-{end}",
            **filters(form),
        ).response()
    page = outputs.programme_outputs_page(
        actor=request.user,
        programme_id=programme_id,
        period=bounds,
        trend=True,
        **(filters(form) if bounds else {}),
    )
    for table in (page["report"] or {}).get("tables", []):
        _add_bars(table)
    return render(
        request,
        "reports/outputs.html",
        {
            "programme": page["programme"],
            "form": form,
            "report": page["report"],
            **queries(request),
            "trend": trend_chart(page["trend"]) if page["report"] else None,
        },
    )


@login_required
@require_GET
def organisation_outputs(request, organisation_id):
    """An organisation's own figures for its coordinators and admins, as they are (no
    suppression: they are the organisation's own records), with their CSV."""
    raw = request.GET.get("programme", "")
    asked = int(raw) if raw.isdigit() else None
    form = OutputsForm(request.GET or {"period": "month"})
    bounds = period(form)
    if bounds is not None and download_format(request) == "csv":
        start, end = bounds
        return outputs.organisation_report_download(
            actor=request.user,
            organisation_id=organisation_id,
            programme_id=asked,
            period_start=start,
            period_end=end,
            name=f"our-figures-{organisation_id}-{start}-{end}",
            **filters(form),
        ).response()
    page = outputs.organisation_outputs_page(
        actor=request.user,
        organisation_id=organisation_id,
        programme_id=asked,
        period=bounds,
        **(filters(form) if bounds else {}),
    )
    for table in (page["report"] or {}).get("tables", []):
        _add_bars(table)
    return render(
        request,
        "reports/outputs.html",
        {
            "programme": page["programme"],
            "organisation": page["organisation"],
            "form": form,
            "report": page["report"],
            "csv_query": queries(request)["csv_query"],
        },
    )


@login_required
@require_GET
def programme_report_print(request, programme_id):
    """The same report on A4: every figure and table, what was hidden, and when it was made."""
    form = OutputsForm(request.GET or {"period": "month"}, programme=programme_id)
    bounds = period(form)
    page = outputs.programme_outputs_page(
        actor=request.user,
        programme_id=programme_id,
        period=bounds,
        **(filters(form) if bounds else {}),
    )
    if bounds is None:
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
