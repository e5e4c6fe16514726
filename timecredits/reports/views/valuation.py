"""The programme's valuation page and the page where its admins keep their proxy values: parse
the form, call one use case, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from timecredits.errors import Conflict, Invalid, NotFound
from timecredits.forms import row_id
from timecredits.signed_in import login_required

from .. import dashboard
from ..exports import Download
from ..forms import ValuationForm
from ..use_cases import valuation
from .common import download, programme_page, queries


@login_required
@require_GET
def programme_valuation(request, programme_id):
    form, page = programme_page(
        request,
        ValuationForm,
        valuation.programme_valuation_page,
        programme_id,
        download=download(request),
    )
    if isinstance(page, Download):
        return page.response()
    if page["valuation"] is not None:
        page["valuation"] = dashboard.valuation(page["valuation"])
    context = {**page, "form": form, "filters_on": dashboard.filters_on(form), **queries(request)}
    return render(request, "reports/valuation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proxy_values_manage(request, programme_id):
    """A programme admin's proxy values: the list, a form to add one, a button to remove each."""
    problems, status = {}, 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                try:
                    valuation.proxy_value_remove(
                        actor=request.user,
                        programme_id=programme_id,
                        proxy_id=_number(request.POST.get("proxy")),
                    )
                except NotFound:
                    # A second tap, or a page drawn before someone else removed it.
                    messages.info(request, _("That proxy value is no longer in the list."))
                    return redirect("programme-proxy-values", programme_id)
            else:
                valuation.proxy_value_create(
                    actor=request.user,
                    programme_id=programme_id,
                    name=request.POST.get("name", ""),
                    basis=request.POST.get("basis", ""),
                    outcome_id=row_id(request.POST.get("outcome")),
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
            return redirect("programme-proxy-values", programme_id)
    context = {
        **valuation.proxy_values_page(actor=request.user, programme_id=programme_id),
        "problems": problems,
        "posted": request.POST if problems else {},
    }
    return render(request, "reports/proxy_values.html", context, status=status)


def _number(value) -> int:
    found = row_id(value)
    if found is None:
        raise NotFound(_("The programme has no such proxy value."))
    return found
