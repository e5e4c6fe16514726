"""Pages: give and donate (members), a venue's statement (its staff), expiries (programme admins).

Thin: each view parses a form and calls the same use case the API calls.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse as reverse_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from timecredits.errors import Conflict, Invalid, NotFound
from timecredits.forms import Credits, row_id
from timecredits.signed_in import login_required
from timecredits.templatetags.credits import credits_count, credits_words

from . import use_cases
from .forms import DonationForm, GiftForm

REFUSALS = (Invalid, Conflict, NotFound)


def _giving(request, form, give, template, page, **extra):
    """Give or donate: on a valid form, `give(data, **values)` posts the credits and returns the
    thanks; a refusal shows on the form, again with the member's balance."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thanks = give(
                data,
                minutes=Credits.minutes(data["amount"]),
                message=data["message"],
                idempotency_key=f"form:{data['token']}",
            )
        except REFUSALS as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, thanks)
            return redirect("member-history")
    return render(request, template, {"form": form, "balance": page.balance, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def give(request):
    page = use_cases.gift_page(actor=request.user)
    if request.method == "POST":
        form = GiftForm(request.POST)
    else:
        # Arriving from a scanned member pass (/p/<token>): their code is filled in.
        form = GiftForm(initial={"member_code": request.GET.get("code", "")[:20]})

    def gift_give(data, **values):
        gift = use_cases.gift_give(actor=request.user, member_code=data["member_code"], **values)
        return _("You gave %(credits)s to member %(code)s. Thank you!") % {
            "credits": credits_words(gift.transfer.amount),
            "code": gift.recipient.code,
        }

    return _giving(request, form, gift_give, "credits/give.html", page, left_today=page.left_today)


@login_required
@require_http_methods(["GET", "POST"])
def donate_page(request):
    page = use_cases.donation_page(actor=request.user)
    if request.method == "POST":
        form = DonationForm(request.POST, groups=page.groups)
    else:
        form = DonationForm(groups=page.groups)

    def donation_give(data, **values):
        organisation = data["organisation"]
        transfer = use_cases.donation_give(
            actor=request.user,
            organisation_id=organisation.pk if organisation else None,
            **values,
        )
        to = organisation.name if organisation else _("the programme's pool")
        return _("You donated %(credits)s to %(to)s. Thank you!") % {
            "credits": credits_words(transfer.amount),
            "to": to,
        }

    return _giving(request, form, donation_give, "credits/donate.html", page)


def _statement(request, organisation_id):
    return use_cases.statement_show(
        actor=request.user, organisation_id=organisation_id, month=request.GET.get("month")
    )


@login_required
def statement(request, organisation_id):
    page = _statement(request, organisation_id)
    s = page.statement
    return render(
        request,
        "credits/statement.html",
        {
            "statement": s,
            "lines": page.lines(request.GET.get("page")),
            "organisation": s.organisation,
            "month": f"{s.month:%Y-%m}",
            "earlier": page.earlier and f"{page.earlier:%Y-%m}",
            "later": page.later and f"{page.later:%Y-%m}",
        },
    )


@login_required
def statement_download(request, organisation_id):
    page = _statement(request, organisation_id)
    return page.download.response()


@login_required
def expiries(request, programme_id):
    page = use_cases.expiries_list(
        actor=request.user,
        programme_id=programme_id,
        member_code=request.GET.get("member", ""),
        page=row_id(request.GET.get("page", "")) or 1,
    )
    return render(request, "credits/expiries.html", {"page": page, "programme": page.programme})


@login_required
@require_POST
def reverse(request, programme_id, transfer_id):
    reversal = use_cases.expiry_reverse(
        actor=request.user,
        programme_id=programme_id,
        transfer_id=transfer_id,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        ngettext(
            "%(credits)s is back with the member.",
            "%(credits)s are back with the member.",
            credits_count(reversal.amount),
        )
        % {"credits": credits_words(reversal.amount)},
    )
    # Back to the list as it was: one member's, if the admin had found them.
    member = request.POST.get("member", "").strip()
    back = reverse_url("programme-expiries", args=[programme_id])
    return redirect(f"{back}?{urlencode({'member': member})}" if member else back)
