"""Members' own pages: join, profile, credits, consents, about you, data, card, closing."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from timecredits.errors import Conflict, Invalid
from timecredits.forms import row_id
from timecredits.qr import qr_svg
from timecredits.ratelimit import client_network
from timecredits.signed_in import login_required

from . import use_cases
from .decorators import member_required
from .forms import CloseForm, ConsentsForm, DemographicsForm, ProfileForm, SignUpForm
from .passes import pass_url


def _safe_next(request) -> str | None:
    """Where to go after joining, if it is a page of this site (never somewhere else)."""
    target = request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def choose_language(request):
    """The header's language switch (a plain form): kept on the account of a person signed in,
    and in the language cookie (Django's set_language, which also goes back to `next`)."""
    if request.user.is_authenticated:
        use_cases.user_choose_language(
            actor=request.user, language=request.POST.get("language", "")
        )
    return set_language(request)


@require_http_methods(["GET", "POST"])
def join(request):
    programme = use_cases.join_programme()
    form = SignUpForm(request.POST or None)
    demographics = DemographicsForm(request.POST or None, prefix="about")
    if request.method == "POST":
        valid = form.is_valid() and demographics.is_valid()
        try:
            member = use_cases.member_sign_up(
                client=client_network(request),
                programme_slug=programme.slug,
                details=form.cleaned_data if valid else None,
                demographics=demographics.cleaned_data if valid else None,
            )
        except Invalid as invalid:
            # Each problem next to its field, in the form that has it.
            problems = invalid.detail if isinstance(invalid.detail, list) else None
            if problems is None:
                form.add_service_errors(invalid)
            for part, mine in ((form, False), (demographics, True)):
                found = [p for p in problems or () if (p["field"] in demographics.fields) == mine]
                if found:
                    part.add_service_errors(Invalid(detail=found))
        else:
            if member is not None:
                login(request, member.user)
                messages.success(
                    request, _("Welcome! You are now a member of %s.") % programme.name
                )
                return redirect(_safe_next(request) or "member-profile")
    return render(
        request,
        "members/join.html",
        {
            "form": form,
            "demographics": demographics,
            "programme": programme,
            "next": _safe_next(request) or "",
        },
    )


@login_required
@member_required
def profile(request):
    return render(
        request, "members/profile.html", use_cases.member_profile_page(actor=request.user)
    )


def _edit_page(form_class, *, initial, save, title):
    """A page where a member edits some of their details: `initial(member)` fills the form,
    `save(actor, data)` keeps what was sent."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @member_required
    def edit(request):
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    save(request.user, form.cleaned_data)
                except Invalid as invalid:
                    form.add_service_errors(invalid)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("member-profile")
        else:
            form = form_class(initial=initial(use_cases.member_profile(actor=request.user)))
        return render(request, "members/edit.html", {"form": form, "title": title})

    return edit


edit_profile = _edit_page(
    ProfileForm,
    initial=lambda m: {f: getattr(m.user, f) for f in ProfileForm.base_fields},
    save=lambda actor, data: use_cases.member_update_profile(actor=actor, **data),
    title=gettext_lazy("Your details"),
)
edit_consents = _edit_page(
    ConsentsForm,
    initial=lambda m: {"reports": m.reports_consent, "surveys": m.surveys_consent},
    save=lambda actor, data: use_cases.member_set_consents(actor=actor, **data),
    title=gettext_lazy("Your choices"),
)
edit_demographics = _edit_page(
    DemographicsForm,
    initial=lambda m: {f: getattr(m, f) for f in DemographicsForm.base_fields},
    save=lambda actor, data: use_cases.member_set_demographics(actor=actor, demographics=data),
    title=gettext_lazy("About you"),
)


@login_required
@member_required
def download_data(request):
    data = use_cases.member_data_export(actor=request.user)
    # Decimals (survey answers' numbers) as the API gives them: strings, exact.
    response = HttpResponse(
        json.dumps(data, indent=2, cls=DjangoJSONEncoder), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-time-credits-data.json"'
    return response


@login_required
@member_required
def card(request):
    member = use_cases.member_profile(actor=request.user)
    return render(
        request,
        "members/card.html",
        {
            "member": member,
            "qr": qr_svg(pass_url(member)),
            "replace_url": reverse("member-card-replace"),
            "own_card": True,
        },
    )


@login_required
@require_POST
@member_required
def card_replace(request):
    use_cases.member_card_replace(actor=request.user)
    messages.success(request, _("Here is your new card. Your old card no longer works."))
    return redirect("member-card")


@login_required
@require_http_methods(["GET", "POST"])
@member_required
def close(request):
    page = use_cases.member_closing_page(actor=request.user)
    form = CloseForm(request.POST or None, pools=page["pools"])
    if request.method == "POST" and form.is_valid():
        donate_to = form.cleaned_data["donate_to"]
        try:
            use_cases.member_close(
                actor=request.user,
                confirm=form.cleaned_data["confirm"],
                donate_to_organisation_id=donate_to.pk if donate_to else None,
            )
        except (Invalid, Conflict) as refused:
            form.add_service_errors(refused)
        else:
            logout(request)
            return render(request, "members/closed.html")
    return render(request, "members/close.html", {"form": form, **page})


@login_required
@member_required
def history(request):
    """The member's credits: balance, then what happened to them by day, a page at a time."""
    before = request.GET.get("before")
    page = use_cases.member_history_page(
        actor=request.user,
        before=row_id(before),
        limit=50,
    )
    return render(request, "members/history.html", page)
