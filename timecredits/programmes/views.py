"""Programme admin pages: the credit policy, and organisations waiting for approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.models import Organisation, Participation
from partners.services import participation_decide
from timecredits.errors import Invalid
from timecredits.permissions import Action, require

from .forms import PolicyForm
from .models import Programme
from .services import programme_update_policy


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
    participations = (
        Participation.objects.filter(programme=programme)
        .select_related("organisation")
        .order_by("status", "organisation__name")
    )
    return render(
        request,
        "programmes/admin.html",
        {"programme": programme, "form": form, "participations": participations},
    )


@login_required
@require_POST
def decide(request, programme_id, organisation_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    approve = request.POST.get("decision") == "approve"
    participation_decide(
        actor=request.user, programme=programme, organisation=organisation, approve=approve
    )
    messages.success(
        request,
        (_("%s is approved.") if approve else _("%s is declined.")) % organisation.name,
    )
    return redirect("programme-admin", programme.pk)
