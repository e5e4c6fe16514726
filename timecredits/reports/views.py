"""The programme's output report page and its CSV: thin over reports.services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme

from .forms import OutputsForm
from .selectors import DEMOGRAPHICS
from .services import programme_report, report_csv


@login_required
@require_GET
def programme_outputs(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    form = OutputsForm(request.GET or {"period": "month"}, programme=programme)
    report = None
    if form.is_valid():
        start, end = form.cleaned_data["bounds"]
        report = programme_report(
            actor=request.user,
            programme=programme,
            period_start=start,
            period_end=end,
            organisation=form.cleaned_data["organisation"],
            activity_type=form.cleaned_data["activity_type"],
            area=form.cleaned_data["area"],
            demographics={name: form.cleaned_data[name] for name in DEMOGRAPHICS},
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="outputs-{programme.pk}-{start}-{end}.csv"'
            )
            return response
    else:
        require(request.user, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    for table in (report or {}).get("tables", []):
        _add_bars(table)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "reports/outputs.html",
        {"programme": programme, "form": form, "report": report, "csv_query": query.urlencode()},
    )


def _add_bars(table: dict) -> None:
    """Bar widths as a share of the largest shown count, for CSS; hidden cells get no bar, and
    say why they are empty."""
    counts = [r["values"]["members"] for r in table["rows"] if r["values"]["members"] is not None]
    largest = max(counts, default=0) or 1
    reasons = {(s["row"], s["column"]): s["reason"] for s in table["suppressed"]}
    for row in table["rows"]:
        value = row["values"]["members"]
        row["bar"] = None if value is None else round(100 * value / largest)
        row["cells"] = [
            {"value": row["values"][c["key"]], "reason": reasons.get((row["key"], c["key"]))}
            for c in table["columns"]
        ]
    table["total_cells"] = [
        {"value": table["total"][c["key"]], "reason": reasons.get(("total", c["key"]))}
        for c in table["columns"]
        if table["total"]
    ]
