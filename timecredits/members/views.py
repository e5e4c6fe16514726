"""Members' own pages: join, profile, credits, consents, about you, data, card, closing."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledger.selectors import account_balance, member_account, transfer_history
from partners.selectors import programme_groups
from timecredits.errors import Conflict, Invalid
from timecredits.programmes.models import Programme
from timecredits.qr import qr_svg
from timecredits.surveys.selectors import surveys_due

from . import services
from .forms import CloseForm, ConsentsForm, DemographicsForm, ProfileForm, SignUpForm
from .passes import pass_url
from .selectors import member_data_export
from .throttle import signup_rate_limit


def _member(request):
    member = getattr(request.user, "member", None)
    if member is None or member.closed_at is not None:
        raise Http404(_("You do not have a member profile."))
    return member


def _safe_next(request) -> str | None:
    """Where to go after joining, if it is a page of this site (never somewhere else)."""
    target = request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def join(request):
    programme = Programme.objects.order_by("-starts_on").first()
    if programme is None:
        raise Http404(_("There is no programme to join yet."))
    form = SignUpForm(request.POST or None)
    demographics = DemographicsForm(request.POST or None, prefix="about")
    if request.method == "POST":
        signup_rate_limit(request)
    if request.method == "POST" and form.is_valid() and demographics.is_valid():
        try:
            member = services.member_sign_up(
                programme=programme, **form.cleaned_data, demographics=demographics.cleaned_data
            )
        except Invalid as invalid:
            form.add_service_errors(invalid)
            demographics.add_service_errors(
                Invalid(detail=[p for p in invalid.detail if p["field"] in demographics.fields])
            )
        else:
            login(request, member.user)
            messages.success(request, _("Welcome! You are now a member of %s.") % programme.name)
            return redirect(_safe_next(request) or "member-profile")
    return render(
        request,
        "members/join.html",
        {"form": form, "demographics": demographics, "programme": programme},
    )


@login_required
def profile(request):
    member = _member(request)
    balance = account_balance(account=member_account(member=member))
    context = {
        "member": member,
        "balance": balance,
        "survey_due": bool(surveys_due(member, timezone.now())),
    }
    return render(request, "members/profile.html", context)


def _edit(request, form_class, initial, save, template_title):
    member = _member(request)
    form = form_class(request.POST or None, initial=initial(member))
    if request.method == "POST" and form.is_valid():
        try:
            save(member, form.cleaned_data)
        except Invalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Saved."))
            return redirect("member-profile")
    return render(request, "members/edit.html", {"form": form, "title": template_title})


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request):
    return _edit(
        request,
        ProfileForm,
        lambda m: {f: getattr(m.user, f) for f in ProfileForm.base_fields},
        lambda m, data: services.member_update_profile(member=m, **data),
        _("Your details"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_consents(request):
    return _edit(
        request,
        ConsentsForm,
        lambda m: {"reports": m.reports_consent, "surveys": m.surveys_consent},
        lambda m, data: services.member_set_consents(member=m, **data),
        _("Your choices"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_demographics(request):
    return _edit(
        request,
        DemographicsForm,
        lambda m: {f: getattr(m, f) for f in DemographicsForm.base_fields},
        lambda m, data: services.member_set_demographics(member=m, demographics=data),
        _("About you"),
    )


@login_required
def download_data(request):
    data = member_data_export(member=_member(request))
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-time-credits-data.json"'
    return response


@login_required
def card(request):
    member = _member(request)
    return render(
        request,
        "members/card.html",
        {
            "member": member,
            "qr": qr_svg(pass_url(member)),
            "replace_url": reverse("member-card-replace"),
        },
    )


@login_required
@require_POST
def card_replace(request):
    services.member_card_replace(actor=request.user, member=_member(request))
    messages.success(request, _("Here is your new card. Your old card no longer works."))
    return redirect("member-card")


@login_required
@require_http_methods(["GET", "POST"])
def close(request):
    member = _member(request)
    form = CloseForm(request.POST or None, pools=programme_groups(programme=member.programme_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_close(member=member, **form.cleaned_data)
        except (Invalid, Conflict) as refused:
            form.add_service_errors(refused)
        else:
            logout(request)
            return render(request, "members/closed.html")
    balance = account_balance(account=member_account(member=member))
    return render(
        request, "members/close.html", {"form": form, "member": member, "balance": balance}
    )


@login_required
def history(request):
    """The member's credits: balance, then their transfers newest first, a page at a time."""
    member = _member(request)
    account = member_account(member=member)
    before = request.GET.get("before")
    lines = transfer_history(
        account=account, before=int(before) if before and before.isdigit() else None, limit=25
    )
    return render(
        request,
        "members/history.html",
        {
            "balance": account_balance(account=account),
            "lines": lines,
            "older": lines[-1].transfer.pk if len(lines) == 25 else None,
        },
    )
