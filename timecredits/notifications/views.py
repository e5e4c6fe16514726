"""A member's notifications page, and their choice of emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from timecredits.members.selectors import member_for_user

from . import selectors, services
from .forms import EmailPreferencesForm


def _member(request):
    member = member_for_user(user=request.user)
    if member is None or member.closed_at is not None:
        raise Http404
    return member


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    member = _member(request)
    if request.method == "POST":
        services.notifications_mark_read(member=member)
        return redirect("notifications")
    form = EmailPreferencesForm(initial={"kinds": sorted(selectors.emailed_kinds(member=member))})
    return render(
        request,
        "notifications/list.html",
        {"notifications": selectors.member_notifications(member=member), "form": form},
    )


@login_required
@require_http_methods(["POST"])
def email_preferences(request):
    member = _member(request)
    form = EmailPreferencesForm(request.POST)
    if form.is_valid():
        services.email_preferences_set(member=member, kinds=set(form.cleaned_data["kinds"]))
        messages.success(request, _("Your email choices are saved."))
    return redirect("notifications")
