"""The programme's output report page and its CSV, its outcome report page with its CSV, XLSX and
printable page, its valuation page and the page where its admins keep their proxy values: thin
over the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partners.models import Organisation
from timecredits.errors import Conflict, Invalid, NotFound
from timecredits.permissions import Action, has_permission, require
from timecredits.programmes.models import Programme

from .charts import bar_chart, trend_chart
from .disclosure import REASONS
from .exports import XLSX, report_about, report_xlsx, table_lines
from .forms import OutputsForm, ValuationForm
from .models import ProxyValue
from .outcome_services import WHY as OUTCOME_REASONS
from .outcome_services import (
    outcome_blocks,
    outcomes_about,
    outcomes_csv,
    outcomes_tabulated,
    outcomes_xlsx,
    programme_outcomes_report,
)
from .proxies import proxy_value_create, proxy_value_remove, proxy_values
from .selectors import DEMOGRAPHICS
from .services import organisation_programme, organisation_report, programme_report, report_csv
from .trend import programme_trend
from .valuation import programme_valuation as valuation_report


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
            **_filters(form),
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="outputs-{programme.pk}-{start}-{end}.csv"'
            )
            return response
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                report,
                about=_about(report, programme, form.cleaned_data["organisation"]),
                filename=f"outputs-{programme.pk}-{start}-{end}.xlsx",
            )
    else:
        require(request.user, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    for table in (report or {}).get("tables", []):
        _add_bars(table)
    query = request.GET.copy()
    query.pop("format", None)
    print_query = query.urlencode()
    query["format"] = "csv"
    csv_query = query.urlencode()
    query["format"] = "xlsx"
    xlsx_query = query.urlencode()
    return render(
        request,
        "reports/outputs.html",
        {
            "programme": programme,
            "form": form,
            "report": report,
            "csv_query": csv_query,
            "xlsx_query": xlsx_query,
            "print_query": print_query,
            "trend": _trend(request.user, programme, form, report) if report else None,
        },
    )


@login_required
@require_GET
def organisation_outputs(request, organisation_id):
    """An organisation's own figures for its coordinators and admins, as they are (no
    suppression: they are the organisation's own records), with their CSV."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require(request.user, Action.ORGANISATION_REPORTS_VIEW, organisation=organisation)
    raw = request.GET.get("programme", "")
    asked = Programme.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    programme = organisation_programme(organisation=organisation, programme=asked)
    form = OutputsForm(request.GET or {"period": "month"}, programme=programme)
    del form.fields["organisation"]
    report = None
    if form.is_valid():
        start, end = form.cleaned_data["bounds"]
        filters = _filters(form)
        filters.pop("organisation")
        report = organisation_report(
            actor=request.user,
            organisation=organisation,
            programme=programme,
            period_start=start,
            period_end=end,
            **filters,
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="our-figures-{organisation.pk}-{start}-{end}.csv"'
            )
            return response
        for table in report["tables"]:
            _add_bars(table)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "reports/outputs.html",
        {
            "programme": programme,
            "organisation": organisation,
            "form": form,
            "report": report,
            "csv_query": query.urlencode(),
        },
    )


@login_required
@require_GET
def programme_report_print(request, programme_id):
    """The same report on A4: every figure and table, what was hidden, and when it was made."""
    programme = get_object_or_404(Programme, pk=programme_id)
    form = OutputsForm(request.GET or {"period": "month"}, programme=programme)
    if not form.is_valid():
        require(request.user, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
        raise Invalid("Choose a month, a quarter, or both dates.", detail=form.errors)
    start, end = form.cleaned_data["bounds"]
    report = programme_report(
        actor=request.user,
        programme=programme,
        period_start=start,
        period_end=end,
        **_filters(form),
    )
    return render(
        request,
        "reports/print.html",
        {
            "programme": programme,
            **printable(report, _about(report, programme, form.cleaned_data["organisation"])),
        },
    )


def printable(report: dict, about: list, *, reasons: dict = REASONS) -> dict:
    """What `reports/_report_body.html` needs to show a presented report in full."""
    for table in report["tables"]:
        table["lines"] = table_lines(table)
    return {"report": report, "about": about, "reasons": reasons.items()}


def xlsx_response(report: dict, *, about, filename: str) -> HttpResponse:
    response = HttpResponse(report_xlsx(report, about=about), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _about(report, programme, organisation) -> list:
    return report_about(
        report,
        programme_name=programme.name,
        organisation_name=organisation.name if organisation is not None else "",
        generated_at=timezone.localtime(),
    )


def _filters(form) -> dict:
    """The report's filters as the page's form gives them; the period is apart."""
    return {
        **{key: form.cleaned_data.get(key) for key in ("organisation", "activity_type", "area")},
        "demographics": {name: form.cleaned_data[name] for name in DEMOGRAPHICS},
    }


def _trend(user, programme, form, report) -> dict:
    start, end = form.cleaned_data["bounds"]
    headline = {f["key"]: f["value"] for f in report["figures"]}
    return trend_chart(
        programme_trend(
            actor=user,
            programme=programme,
            last_month=end,
            period_start=start,
            headline=headline,
            **_filters(form),
        )
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


@login_required
@require_GET
def programme_valuation(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    form = ValuationForm(request.GET or {"period": "month"}, programme=programme)
    valuation = None
    if form.is_valid():
        start, end = form.cleaned_data["bounds"]
        valuation = valuation_report(
            actor=request.user,
            programme=programme,
            period_start=start,
            period_end=end,
            organisation=form.cleaned_data["organisation"],
            area=form.cleaned_data["area"],
        )
    else:
        require(request.user, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    return render(
        request,
        "reports/valuation.html",
        {
            "programme": programme,
            "form": form,
            "valuation": valuation,
            "manages": has_permission(
                request.user, Action.PROGRAMME_PROXY_VALUES_MANAGE, programme=programme
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proxy_values_manage(request, programme_id):
    """A programme admin's proxy values: the list, a form to add one, a button to remove each."""
    programme = get_object_or_404(Programme, pk=programme_id)
    problems, status = {}, 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                proxy_value_remove(
                    actor=request.user,
                    programme=programme,
                    proxy_id=_number(request.POST.get("proxy")),
                )
            else:
                proxy_value_create(
                    actor=request.user,
                    programme=programme,
                    name=request.POST.get("name", ""),
                    basis=request.POST.get("basis", ""),
                    outcome_id=request.POST.get("outcome") or None,
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", ""),
                    deadweight_percent=request.POST.get("deadweight_percent") or 0,
                    attribution_percent=request.POST.get("attribution_percent") or 0,
                )
        except (Invalid, Conflict) as refused:
            status = 422 if isinstance(refused, Invalid) else 409
            problems = {p["field"]: p["message"] for p in refused.detail or []}
            problems.setdefault("", refused.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("programme-proxy-values", programme.pk)
    context = {
        "programme": programme,
        "proxies": proxy_values(actor=request.user, programme=programme),
        "outcomes": programme.outcomes.all(),
        "bases": ProxyValue.Basis.choices,
        "problems": problems,
        "posted": request.POST if problems else {},
    }
    return render(request, "reports/proxy_values.html", context, status=status)


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("The programme has no such proxy value.")) from None


@login_required
@require_GET
def programme_outcomes(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    form, report = _outcomes_report(request, programme)
    if report is not None:
        start, end = report["period_start"], report["period_end"]
        if request.GET.get("format") == "csv":
            response = HttpResponse(outcomes_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="outcomes-{programme.pk}-{start}-{end}.csv"'
            )
            return response
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                outcomes_xlsx(report, about=_outcomes_about(report, programme, form)),
                content_type=XLSX,
            )
            response["Content-Disposition"] = (
                f'attachment; filename="outcomes-{programme.pk}-{start}-{end}.xlsx"'
            )
            return response
        for block, _copyright in outcome_blocks(report):
            if block["table"]["rows"]:
                block["chart"] = bar_chart(block["table"])
    query = request.GET.copy()
    query.pop("format", None)
    print_query = query.urlencode()
    query["format"] = "csv"
    csv_query = query.urlencode()
    query["format"] = "xlsx"
    return render(
        request,
        "reports/outcomes.html",
        {
            "programme": programme,
            "form": form,
            "report": report,
            "csv_query": csv_query,
            "xlsx_query": query.urlencode(),
            "print_query": print_query,
        },
    )


@login_required
@require_GET
def programme_outcomes_print(request, programme_id):
    """The outcomes on A4, laid out as the outputs' printable report: every figure and table,
    what was hidden and why, the instruments' copyright lines, and when it was made."""
    programme = get_object_or_404(Programme, pk=programme_id)
    form, report = _outcomes_report(request, programme)
    if report is None:
        raise Invalid("Choose a month, a quarter, or both dates.", detail=form.errors)
    return render(
        request,
        "reports/print.html",
        {
            "programme": programme,
            "heading": _("Outcomes: %(name)s") % {"name": programme.name},
            "back": reverse("programme-outcomes", args=[programme.pk]),
            **printable(
                outcomes_tabulated(report),
                _outcomes_about(report, programme, form),
                reasons=OUTCOME_REASONS,
            ),
        },
    )


def _outcomes_report(request, programme):
    """The page's filter and the suppressed outcomes it asks for (None while it is not valid,
    once the reader is known to be allowed the programme's reports)."""
    # The valuation's form is the outcomes' filter: the period, organisation and area.
    form = ValuationForm(request.GET or {"period": "month"}, programme=programme)
    if not form.is_valid():
        require(request.user, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
        return form, None
    start, end = form.cleaned_data["bounds"]
    report = programme_outcomes_report(
        actor=request.user,
        programme=programme,
        period_start=start,
        period_end=end,
        organisation=form.cleaned_data["organisation"],
        area=form.cleaned_data["area"],
    )
    return form, report


def _outcomes_about(report, programme, form) -> list:
    organisation = form.cleaned_data["organisation"]
    return outcomes_about(
        report,
        programme_name=programme.name,
        organisation_name=organisation.name if organisation is not None else "",
        generated_at=timezone.localtime(),
    )
