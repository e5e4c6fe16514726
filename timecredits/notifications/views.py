"""A member's notifications page, and their choice of emails."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timecredits.members.decorators import member_required
from timecredits.signed_in import login_required

from . import use_cases
from .forms import EmailPreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
@member_required
def notifications(request):
    if request.method == "POST":
        use_cases.notifications_mark_read(actor=request.user)
        return redirect("notifications")
    page = use_cases.notifications_page(actor=request.user)
    form = EmailPreferencesForm(initial={"kinds": sorted(page["emailed_kinds"])})
    return render(
        request,
        "notifications/list.html",
        {"notifications": page["notifications"], "form": form},
    )


@login_required
@require_http_methods(["POST"])
@member_required
def email_preferences(request):
    form = EmailPreferencesForm(request.POST)
    if form.is_valid():
        use_cases.email_preferences_set(actor=request.user, kinds=set(form.cleaned_data["kinds"]))
        messages.success(request, _("Your email choices are saved."))
    return redirect("notifications")
