"""Pages: give and donate (members), a venue's statement (its staff), expiries (programme admins).

Thin: each view parses a form and calls the same service the API calls.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledger.selectors import account_balance, member_account
from partners.models import Organisation
from partners.selectors import programme_groups
from timecredits.errors import Conflict, Invalid, NotFound
from timecredits.members.selectors import member_for_user
from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme
from timecredits.templatetags.credits import credits as as_credits

from .forms import DonationForm, GiftForm, credits_to_minutes
from .selectors import next_month, parse_month, previous_month, programme_expiries
from .services.expiry import expiry_reverse
from .services.gifts import (
    donate,
    gift_to_member,
    gifts_left_today,
    recipient_by_code,
)
from .services.statements import statement_csv, statement_for

REFUSALS = (Invalid, Conflict, NotFound)


def _member(request):
    require(request.user, Action.OWN_CREDITS_GIVE)
    member = member_for_user(user=request.user)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    return member


def _giving_page(request, template, form, member, **extra):
    context = {
        "form": form,
        "balance": account_balance(account=member_account(member=member)),
        **extra,
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def give(request):
    member = _member(request)
    if request.method == "POST":
        form = GiftForm(request.POST)
    else:
        # Arriving from a scanned member pass (/p/<token>): their code is filled in.
        form = GiftForm.fresh(initial={"member_code": request.GET.get("code", "")[:20]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recipient = recipient_by_code(code=data["member_code"])
            transfer = gift_to_member(
                actor=request.user,
                recipient=recipient,
                minutes=credits_to_minutes(data["amount"]),
                message=data["message"],
                idempotency_key=f"form:{data['token']}",
            )
        except REFUSALS as refused:
            form.add_service_errors(refused)
        else:
            messages.success(
                request,
                _("You gave %(credits)s credits to member %(code)s. Thank you!")
                % {"credits": as_credits(transfer.amount), "code": recipient.code},
            )
            return redirect("member-history")
    return _giving_page(
        request,
        "credits/give.html",
        form,
        member,
        left_today=gifts_left_today(member=member),
    )


@login_required
@require_http_methods(["GET", "POST"])
def donate_page(request):
    member = _member(request)
    groups = programme_groups(programme=member.programme_id)
    if request.method == "POST":
        form = DonationForm(request.POST, groups=groups)
    else:
        form = DonationForm.fresh(groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = donate(
                actor=request.user,
                organisation=data["organisation"],
                minutes=credits_to_minutes(data["amount"]),
                message=data["message"],
                idempotency_key=f"form:{data['token']}",
            )
        except REFUSALS as refused:
            form.add_service_errors(refused)
        else:
            to = data["organisation"].name if data["organisation"] else _("the programme's pool")
            messages.success(
                request,
                _("You donated %(credits)s credits to %(to)s. Thank you!")
                % {"credits": as_credits(transfer.amount), "to": to},
            )
            return redirect("member-history")
    return _giving_page(request, "credits/donate.html", form, member)


def _statement(request, organisation_id):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    month = parse_month(request.GET.get("month"))
    return statement_for(actor=request.user, organisation=organisation, month=month)


@login_required
def statement(request, organisation_id):
    s = _statement(request, organisation_id)
    return render(
        request,
        "credits/statement.html",
        {
            "statement": s,
            "organisation": s.organisation,
            "month": f"{s.month:%Y-%m}",
            "earlier": f"{previous_month(s.month):%Y-%m}",
            "later": f"{next_month(s.month):%Y-%m}",
        },
    )


@login_required
def statement_download(request, organisation_id):
    s = _statement(request, organisation_id)
    response = HttpResponse(statement_csv(s), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{s.organisation.slug}-{s.month:%Y-%m}.csv"'
    )
    return response


@login_required
def expiries(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    require(request.user, Action.PROGRAMME_EXPIRY_REVERSE, programme=programme)
    return render(
        request,
        "credits/expiries.html",
        {"programme": programme, "expiries": programme_expiries(programme=programme)},
    )


@login_required
@require_POST
def reverse(request, programme_id, transfer_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    reversal = expiry_reverse(
        actor=request.user,
        programme=programme,
        transfer_id=transfer_id,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        _("%(credits)s credits are back with the member.")
        % {"credits": as_credits(reversal.amount)},
    )
    return redirect("programme-expiries", programme.pk)
