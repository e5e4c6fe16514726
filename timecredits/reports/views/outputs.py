"""The programme's output report page with its CSV, XLSX and printable page, and an
organisation's own report page with its CSV: parse the form, call one use case, render."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from timecredits.forms import row_id
from timecredits.signed_in import login_required

from .. import dashboard
from ..charts import trend_chart
from ..exports import Download, report_about
from ..forms import OutputsForm
from ..use_cases import outputs
from .common import asked, download, filters, period_refused, programme_page, queries


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
    report = page["report"]
    trend = trend_chart(page["trend"], period_start=report["period_start"]) if report else None
    return _render(
        request,
        page,
        programme=page["programme"],
        trend=trend,
        form=form,
        **queries(request),
    )


@login_required
@require_GET
def organisation_outputs(request, organisation_id):
    """An organisation's own figures for its coordinators and admins (its activity as it is,
    what they do not see person by person suppressed), with their CSV."""
    raw = request.GET.get("programme", "")
    form = OutputsForm(filters(request))
    page = outputs.organisation_outputs_page(
        actor=request.user,
        organisation_id=organisation_id,
        programme_id=row_id(raw),
        download=download(request, offered=("csv",)),
        **asked(form),
    )
    if isinstance(page, Download):
        return page.response()
    return _render(
        request,
        page,
        programme=page["programme"],
        organisation=page["organisation"],
        form=form,
        csv_query=queries(request)["csv_query"],
    )


def _render(request, page, **context):
    """The report page as a dashboard: headline tiles with their change on the period before,
    the trend, and the tables with their bars, all from the suppressed report."""
    report = page["report"]
    if report is not None:
        context["tiles"] = dashboard.tiles(
            report, page.get("previous"), since=page.get("since", "")
        )
        context["tables"] = [dashboard.table(t) for t in report["tables"]]
    context["filters_on"] = dashboard.filters_on(context["form"])
    return render(request, "reports/outputs.html", {"report": report, **context})


@login_required
@require_GET
def programme_report_print(request, programme_id):
    """The same report on A4: every figure and table, what was hidden, and when it was made."""
    form, page = programme_page(
        request, OutputsForm, outputs.programme_outputs_page, programme_id, trend=True
    )
    if page["report"] is None:
        return period_refused(request, form, "programme-reports", programme_id)
    about = report_about(
        page["report"],
        programme_name=page["programme"].name,
        organisation_name=page["organisation"].name if page["organisation"] else "",
        generated_at=timezone.localtime(),
    )
    return render(
        request,
        "reports/print.html",
        {
            "programme": page["programme"],
            "about": about,
            "report": page["report"],
            "tiles": dashboard.tiles(page["report"], page["previous"], since=page["since"]),
            "tables": [dashboard.table(t) for t in page["report"]["tables"]],
            "trend": trend_chart(page["trend"], period_start=page["report"]["period_start"]),
        },
    )
