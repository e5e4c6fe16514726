"""Programme admin pages: the credit policy, organisations waiting for approval, allocations,
and the population figures reports measure reach against."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import use_cases as partner_use_cases
from partners.models import Participation
from partners.selectors import programme_groups
from timecredits.errors import Conflict, Invalid
from timecredits.permissions import Action, require

from .forms import AllocationForm, PolicyForm, PopulationForm
from .models import PopulationFigure, Programme
from .selectors import programme_allocations
from .services import (
    MAX_POPULATION_BYTES,
    credits_allocate,
    population_import,
    programme_update_policy,
)


@login_required
@require_http_methods(["GET", "POST"])
def programme_admin(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    require(request.user, Action.PROGRAMME_EDIT, programme=programme)
    form = PolicyForm(
        request.POST or None,
        initial={f: getattr(programme, f) for f in PolicyForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme_update_policy(actor=request.user, programme=programme, **form.cleaned_data)
        except Invalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("The credit policy is saved."))
            return redirect("programme-admin", programme.pk)
    return _admin_page(request, programme, form, _allocation_form(programme))


def _allocation_form(programme, data=None):
    return AllocationForm(
        data, groups=programme_groups(programme=programme), initial={"token": uuid.uuid4().hex}
    )


def _admin_page(request, programme, form, allocation_form):
    participations = (
        Participation.objects.filter(programme=programme)
        .select_related("organisation")
        .order_by("status", "organisation__name")
    )
    return render(
        request,
        "programmes/admin.html",
        {
            "programme": programme,
            "form": form,
            "participations": participations,
            "allocation_form": allocation_form,
            "allocations": programme_allocations(programme=programme, limit=10),
        },
    )


@login_required
@require_POST
def allocate(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    require(request.user, Action.PROGRAMME_CREDITS_ALLOCATE, programme=programme)
    form = _allocation_form(programme, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            credits_allocate(
                actor=request.user,
                programme=programme,
                organisation=data["organisation"],
                credits=data["credits"],
                reason=data["reason"],
                idempotency_key=f"form:{data['token']}",
            )
        except (Invalid, Conflict) as refused:
            form.add_service_errors(refused)
        else:
            messages.success(
                request,
                _("%(credits)s credits allocated to %(group)s.")
                % {"credits": data["credits"], "group": data["organisation"].name},
            )
            return redirect("programme-admin", programme.pk)
    policy = PolicyForm(initial={f: getattr(programme, f) for f in PolicyForm.base_fields})
    return _admin_page(request, programme, policy, form)


@login_required
@require_POST
def decide(request, programme_id, organisation_id):
    approve = request.POST.get("decision") == "approve"
    participation = partner_use_cases.participation_decide(
        actor=request.user,
        programme_id=programme_id,
        organisation_id=organisation_id,
        approve=approve,
    )
    messages.success(
        request,
        (_("%s is approved.") if approve else _("%s is declined.")) % participation.organisation,
    )
    return redirect("programme-admin", programme_id)


@login_required
@require_http_methods(["GET", "POST"])
def population(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    require(request.user, Action.PROGRAMME_EDIT, programme=programme)
    form = PopulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            figures = population_import(
                actor=request.user,
                programme=programme,
                data=form.cleaned_data["file"].read(MAX_POPULATION_BYTES + 1),
            )
        except Invalid as invalid:
            form.add_error("file", invalid.message)
        else:
            messages.success(request, _("Population figures imported: %s.") % len(figures))
            return redirect("programme-population", programme.pk)
    return render(
        request,
        "programmes/population.html",
        {
            "programme": programme,
            "form": form,
            "figures": PopulationFigure.objects.filter(programme=programme),
        },
    )
