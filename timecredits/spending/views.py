"""Spending pages: members browse, redeem and show their codes; venue staff complete codes,
charge a pass and see their day; venue admins manage offers. No JavaScript needed."""

import mimetypes
import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from timecredits.errors import DomainError, Invalid, NotFound
from timecredits.forms import row_id, sent_once
from timecredits.qr import qr_svg
from timecredits.signed_in import login_required

from . import use_cases
from .display import is_live, photo_url
from .errors import OfferNotFound, PriceChanged
from .forms import ChargeForm, CodeForm, OfferFilterForm, OfferForm
from .tokens import read_redemption_token, redemption_url


def _refused(request, error: DomainError, status: int = 409):
    return render(request, "spending/refused.html", {"error": error}, status=status)


@login_required
def offer_list(request):
    filters = OfferFilterForm(
        request.GET or None, venues=use_cases.offer_venues(actor=request.user)
    )
    criteria = filters.cleaned_data if filters.is_valid() else {}
    page = use_cases.offers_page(
        actor=request.user,
        category=criteria.get("category"),
        organisation_id=criteria.get("organisation"),
        available_today=bool(criteria.get("today")),
        affordable=bool(criteria.get("affordable")),
    )
    return render(request, "spending/offers.html", page | {"filters": filters})


@login_required
@require_http_methods(["GET", "POST"])
def offer_detail(request, offer_id):
    if request.method == "POST":
        try:
            redemption, _created = use_cases.offer_redeem(
                actor=request.user,
                offer_id=offer_id,
                # The form's token makes a double submit one redemption; without one, a new key.
                idempotency_key=request.POST.get("key", "")[:200] or uuid.uuid4().hex,
                # The cost the page showed: a price changed since is refused, not charged.
                expected_cost=row_id(request.POST.get("cost")),
            )
        except NotFound:
            raise  # an offer the member may not see is a 404, not a refusal
        except PriceChanged as changed:
            messages.warning(request, changed.message)
            return redirect("offer-detail", offer_id)
        except DomainError as refused:
            return _refused(request, refused)
        return redirect("my-redemption", redemption.pk)
    page = use_cases.offer_page(actor=request.user, offer_id=offer_id)
    context = page | {"photo_url": photo_url(page["offer"]), "key": uuid.uuid4().hex}
    return render(request, "spending/offer.html", context)


PHOTO_MAX_AGE = 24 * 60 * 60
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


@require_GET
def offer_photo(request, offer_id):
    """An offer's photo, streamed from the default storage, so it is served wherever the app
    runs without a separate media server. A published offer's photo is public (a phone app
    shows it in an <img> without a session); an unpublished one only to its venue's staff."""
    photo = use_cases.offer_photo(actor=request.user, offer_id=offer_id)
    public = photo.public
    etag = f'"{photo.version}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        try:
            stored = default_storage.open(photo.name, "rb")
        except FileNotFoundError as missing:
            raise Http404(_("This offer has no photo.")) from missing
        extension = photo.name.rsplit(".", 1)[-1].lower()
        content_type = PHOTO_TYPES.get(extension) or (
            mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
        )
        response = FileResponse(stored, content_type=content_type)
    else:
        response = not_modified
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=PHOTO_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def my_redemptions(request):
    page = use_cases.redemptions_page(actor=request.user, page=row_id(request.GET.get("page")) or 1)
    return render(request, "spending/my_redemptions.html", {**page, "now": timezone.now()})


@login_required
def my_redemption(request, redemption_id):
    redemption = use_cases.my_redemption(actor=request.user, redemption_id=redemption_id)
    url = redemption_url(redemption_id=redemption.pk, code=redemption.code)
    live = is_live(redemption)
    context = {"redemption": redemption, "live": live, "qr": qr_svg(url) if live else ""}
    return render(request, "spending/redemption.html", context)


@login_required
@require_POST
def my_redemption_cancel(request, redemption_id):
    try:
        use_cases.my_redemption_cancel(actor=request.user, redemption_id=redemption_id)
    except NotFound:
        raise  # another member's code, or none, is a 404, not a refusal
    except DomainError as refused:
        return _refused(request, refused)
    messages.success(request, _("Cancelled. Your credits are back."))
    return redirect("my-redemptions")


@login_required
def redemption_scanned(request, token):
    """Where a phone's camera lands after scanning a member's redemption QR code: venue staff
    go on to complete it at their venue, or are told it is another venue's; anyone else is
    asked to show it to the venue's staff."""
    try:
        code = read_redemption_token(token)
    except DomainError as refused:
        return _refused(request, refused, status=400)
    try:
        venue_id = use_cases.redemption_scanned(actor=request.user, code=code)
    except NotFound as missing:
        return _refused(request, missing, status=404)
    except DomainError as refused:
        return _refused(request, refused)
    if venue_id is not None:
        return redirect(f"{reverse('venue-redeem', args=[venue_id])}?{urlencode({'code': code})}")
    return render(request, "spending/show_to_staff.html", {"code": code})


# Refusals the services word for the member who spends, as the till's staff read them.
AT_THE_TILL = {
    "insufficient_credit": gettext_lazy("The member does not have enough credits for this offer."),
    "member_limit_reached": gettext_lazy(
        "The member has used this offer as many times as it allows for now."
    ),
    "not_eligible": gettext_lazy("This offer is not open to this member's programme."),
    "idempotency_conflict": gettext_lazy(
        "This page had already been used for another charge, and nothing more was taken now. "
        "The till is ready again: scan or type the code or pass."
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def venue_redeem(request, organisation_id):
    """The till page: scan or type a code, charge a pass, and today's redemptions. A scanned
    redemption code or pass arrives as ?code= or ?pass= and is shown (who and what) above the
    form that completes or charges it."""
    # What a scan brought (shown until the form that uses it is sent).
    scanned_code, scanned_pass = "", ""
    if request.method == "GET":
        scanned_code, scanned_pass = request.GET.get("code", ""), request.GET.get("pass", "")
    till = use_cases.venue_till(
        actor=request.user,
        organisation_id=organisation_id,
        code=scanned_code,
        pass_token=scanned_pass,
    )
    venue, scanned = till["venue"], till["scanned"]
    scanned_live = scanned is not None and is_live(scanned)
    form_name = request.POST.get("form")
    code_form = CodeForm(
        request.POST if form_name == "code" else None,
        initial={"code": request.GET.get("code", "")},
        shown=scanned_live,
    )
    charging = form_name == "charge"
    charge_form = ChargeForm(
        request.POST if charging else None,
        # Shown: what can be charged now. Sent: any published offer, so one that closed since
        # the page was drawn gets the service's own reason rather than "not a valid choice".
        offers=till["offers"] if charging else till["chargeable"],
        # Arriving from a scanned member pass (/p/<token>): the pass is filled in.
        initial={"pass_token": request.GET.get("pass", "")},
    )
    key = request.POST.get("key", "")[:200] or uuid.uuid4().hex
    try:
        done = None
        if form_name == "code" and code_form.is_valid():
            redemption = use_cases.redemption_complete(
                actor=request.user,
                organisation_id=venue.pk,
                code=code_form.cleaned_data["code"],
                idempotency_key=key,
            )
            done = _("Done: %(offer)s for member %(member)s.")
        elif form_name == "charge" and charge_form.is_valid():
            redemption, _created = use_cases.redemption_charge_pass(
                actor=request.user,
                organisation_id=venue.pk,
                offer_id=charge_form.cleaned_data["offer"],
                pass_token=charge_form.token(),
                idempotency_key=key,
            )
            done = _("Charged: %(offer)s to member %(member)s.")
        if done:
            what = {"offer": redemption.offer.title, "member": redemption.member.code}
            messages.success(request, done % what)
            return redirect("venue-redeem", venue.pk)
    except OfferNotFound:
        raise  # an offer gone since the page was drawn: the page itself is out of date
    except DomainError as refused:
        messages.error(request, AT_THE_TILL.get(refused.code, refused.message))
    context = till | {
        "scanned_live": scanned_live,
        "code_asked": bool(scanned_code),
        # "Check the code" tapped with the box empty (not a code refused when completed).
        "code_empty": request.method == "GET"
        and "code" in request.GET
        and not scanned_code.strip(),
        "pass_asked": bool(scanned_pass),
        "code_form": code_form,
        "charge_form": charge_form if till["chargeable"] or charging else None,
        "key": uuid.uuid4().hex,
    }
    return render(request, "spending/venue_redeem.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def venue_offers(request, organisation_id, offer_id=None):
    """Manage a venue's offers: the list, and a form to add one or change one."""
    page = use_cases.venue_offers_page(
        actor=request.user, organisation_id=organisation_id, offer_id=offer_id
    )
    venue, offer = page["venue"], page["editing"]
    initial = OfferForm.initial_for(offer) if offer else None
    form = OfferForm(request.POST or None, request.FILES or None, initial=initial, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            if offer is None:
                sent_once(
                    f"add-offer:{request.user.pk}",
                    form.cleaned_data,
                    lambda asked: (
                        use_cases.offer_create(
                            actor=request.user, organisation_id=venue.pk, **form.offer_values(asked)
                        ).pk
                    ),
                )
            else:
                use_cases.offer_update(actor=request.user, offer_id=offer.pk, **form.offer_values())
        except Invalid as invalid:
            form.add_service_errors(invalid)
        except DomainError as refused:
            return _refused(request, refused, status=422)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("venue-offers", venue.pk)
    return render(request, "spending/venue_offers.html", page | {"form": form})
