"""Programme admin pages: the credit policy, organisations waiting for approval, allocations,
and the population figures reports measure reach against."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from timecredits.errors import Conflict, Invalid
from timecredits.signed_in import login_required

from . import use_cases
from .forms import AllocationForm, PolicyForm, PopulationForm


@login_required
@require_http_methods(["GET", "POST"])
def programme_admin(request, programme_id):
    page = use_cases.programme_admin_page(actor=request.user, programme_id=programme_id)
    form = PolicyForm(request.POST or None, initial=_policy(page.programme))
    if request.method == "POST" and form.is_valid():
        try:
            use_cases.programme_update_policy(
                actor=request.user, programme_id=programme_id, **form.cleaned_data
            )
        except Invalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("The credit policy is saved."))
            return redirect("programme-admin", programme_id)
    return _admin_page(request, page, form, _allocation_form(page))


def _policy(programme):
    return {f: getattr(programme, f) for f in PolicyForm.base_fields}


def _allocation_form(page, data=None):
    return AllocationForm(data, groups=page.groups)


def _admin_page(request, page, form, allocation_form):
    return render(
        request,
        "programmes/admin.html",
        {
            "programme": page.programme,
            "form": form,
            "participations": page.participations,
            "allocation_form": allocation_form,
            "allocations": page.allocations,
        },
    )


@login_required
@require_POST
def allocate(request, programme_id):
    page = use_cases.allocation_page(actor=request.user, programme_id=programme_id)
    form = _allocation_form(page, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            use_cases.credits_allocate(
                actor=request.user,
                programme_id=programme_id,
                organisation_id=data["organisation"].pk,
                credits=data["credits"],
                reason=data["reason"],
                idempotency_key=f"form:{data['token']}",
            )
        except (Invalid, Conflict) as refused:
            form.add_service_errors(refused)
        else:
            messages.success(
                request,
                ngettext(
                    "%(credits)s credit allocated to %(group)s.",
                    "%(credits)s credits allocated to %(group)s.",
                    data["credits"],
                )
                % {"credits": data["credits"], "group": data["organisation"].name},
            )
            return redirect("programme-admin", programme_id)
    return _admin_page(request, page, PolicyForm(initial=_policy(page.programme)), form)


@login_required
@require_POST
def decide(request, programme_id, organisation_id):
    decision = request.POST.get("decision", "")
    try:
        participation = use_cases.participation_decide(
            actor=request.user,
            programme_id=programme_id,
            organisation_id=organisation_id,
            decision=decision,
            # The page offers a decision on a pending application only.
            shown="pending",
        )
    except (Invalid, Conflict) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            (_("%s is approved.") if decision == "approve" else _("%s is declined."))
            % participation.organisation.name,
        )
    return redirect("programme-admin", programme_id)


@login_required
@require_http_methods(["GET", "POST"])
def population(request, programme_id):
    page = use_cases.population_page(actor=request.user, programme_id=programme_id)
    form = PopulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            figures = use_cases.population_import(
                actor=request.user, programme_id=programme_id, file=form.cleaned_data["file"]
            )
        except Invalid as invalid:
            form.add_error("file", invalid.message)
        else:
            messages.success(request, _("Population figures imported: %s.") % len(figures))
            return redirect("programme-population", programme_id)
    return render(
        request,
        "programmes/population.html",
        {"programme": page.programme, "form": form, "figures": page.figures},
    )
