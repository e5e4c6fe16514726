"""The programme's outcome report page with its CSV, XLSX and printable page: parse the form, call
one use case, render."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from timecredits.signed_in import login_required

from .. import dashboard
from ..exports import (
    OUTCOME_REASONS,
    Download,
    outcomes_about,
    outcomes_tabulated,
)
from ..forms import ValuationForm
from ..use_cases import outcomes
from .common import download, period_refused, printable, programme_page, queries


def _page(request, programme_id, **options):
    """The page's filter and what the outcomes use case gives for it."""
    # The valuation's form is the outcomes' filter: the period, organisation and area.
    return programme_page(
        request, ValuationForm, outcomes.programme_outcomes_page, programme_id, **options
    )


@login_required
@require_GET
def programme_outcomes(request, programme_id):
    form, page = _page(request, programme_id, download=download(request))
    if isinstance(page, Download):
        return page.response()
    report = page["report"]
    return render(
        request,
        "reports/outcomes.html",
        {
            "programme": page["programme"],
            "form": form,
            "report": dashboard.outcomes(report) if report is not None else None,
            "filters_on": dashboard.filters_on(form),
            **queries(request),
        },
    )


@login_required
@require_GET
def programme_outcomes_print(request, programme_id):
    """The outcomes on A4, laid out as the outputs' printable report: every figure and table,
    what was hidden and why, the instruments' copyright lines, and when it was made."""
    form, page = _page(request, programme_id)
    report, programme, organisation = page["report"], page["programme"], page["organisation"]
    if report is None:
        return period_refused(request, form, "programme-outcomes", programme_id)
    about = outcomes_about(
        report,
        programme_name=programme.name,
        organisation_name=organisation.name if organisation is not None else "",
        generated_at=timezone.localtime(),
    )
    return render(
        request,
        "reports/print.html",
        {
            "programme": programme,
            "heading": _("Outcomes: %(name)s") % {"name": programme.name},
            "back": reverse("programme-outcomes", args=[programme.pk]),
            **printable(outcomes_tabulated(report), about, reasons=OUTCOME_REASONS),
        },
    )
