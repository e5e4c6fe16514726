"""Spending pages: members browse, redeem and show their codes; venue staff complete codes,
charge a pass and see their day; venue admins manage offers. No JavaScript needed."""

import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ledger.selectors import account_balance, member_account
from timecredits.errors import DomainError, Invalid
from timecredits.permissions import Action, has_permission, require
from timecredits.qr import qr_svg

from .errors import RedemptionNotFound, WrongVenue
from .forms import ChargeForm, CodeForm, OfferFilterForm, OfferForm
from .models import Offer, Organisation, Redemption
from .selectors import (
    is_live,
    member_redemptions,
    offers_browse,
    offers_for_venue,
    photo_url,
    photo_version,
    redeeming_venues,
    venue_redemptions,
)
from .services import offers as offer_services
from .services import redemptions as redemption_services
from .tokens import read_redemption_token, redemption_url


def _member(request):
    member = getattr(request.user, "member", None)
    if member is None or member.closed_at is not None:
        raise Http404(_("You do not have a member profile."))
    return member


def _refused(request, error: DomainError, status: int = 409):
    return render(request, "partners/refused.html", {"error": error}, status=status)


@login_required
def offer_list(request):
    member = _member(request)
    available = account_balance(account=member_account(member=member)).available
    venues = Organisation.objects.filter(
        kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH], offers__active=True
    ).distinct()
    filters = OfferFilterForm(request.GET or None, venues=venues)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    offers = offers_browse(
        member=member,
        category=criteria.get("category") or None,
        organisation_id=criteria.get("organisation"),
        available_today=bool(criteria.get("today")),
        affordable_minutes=available if criteria.get("affordable") else None,
    )
    context = {"offers": offers[:100], "filters": filters, "available": available}
    return render(request, "partners/offers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def offer_detail(request, offer_id):
    member = _member(request)
    offer = get_object_or_404(offers_browse(member=member), pk=offer_id)
    if request.method == "POST":
        try:
            redemption, _created = redemption_services.redemption_create(
                member=member,
                offer=offer,
                # The form's token makes a double submit one redemption; without one, a new key.
                idempotency_key=request.POST.get("key", "")[:200] or uuid.uuid4().hex,
            )
        except DomainError as refused:
            return _refused(request, refused)
        return redirect("my-redemption", redemption.pk)
    available = account_balance(account=member_account(member=member)).available
    context = {
        "offer": offer,
        "photo_url": photo_url(offer),
        "available": available,
        "key": uuid.uuid4().hex,
    }
    return render(request, "partners/offer.html", context)


PHOTO_MAX_AGE = 24 * 60 * 60
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


@require_GET
def offer_photo(request, offer_id):
    """An offer's photo, streamed from the default storage, so it is served wherever the app
    runs without a separate media server. A published offer's photo is public (a phone app
    shows it in an <img> without a session); an unpublished one only to its venue's staff."""
    offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=offer_id)
    public = offer.active and offer.organisation.accepts_credits
    if not offer.photo or not (
        public
        or has_permission(
            request.user, Action.ORGANISATION_OFFERS_MANAGE, organisation=offer.organisation
        )
    ):
        raise Http404(_("This offer has no photo."))
    etag = f'"{photo_version(offer)}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        try:
            photo = default_storage.open(offer.photo.name, "rb")
        except FileNotFoundError as missing:
            raise Http404(_("This offer has no photo.")) from missing
        extension = offer.photo.name.rsplit(".", 1)[-1].lower()
        content_type = PHOTO_TYPES.get(extension) or (
            mimetypes.guess_type(offer.photo.name)[0] or "application/octet-stream"
        )
        response = FileResponse(photo, content_type=content_type)
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
    member = _member(request)
    return render(
        request,
        "partners/my_redemptions.html",
        {"redemptions": member_redemptions(member=member), "now": timezone.now()},
    )


@login_required
def my_redemption(request, redemption_id):
    member = _member(request)
    redemption = get_object_or_404(
        Redemption.objects.select_related("offer__organisation"), pk=redemption_id, member=member
    )
    url = redemption_url(redemption_id=redemption.pk, code=redemption.code)
    live = is_live(redemption)
    context = {"redemption": redemption, "live": live, "qr": qr_svg(url) if live else ""}
    return render(request, "partners/redemption.html", context)


@login_required
@require_POST
def my_redemption_cancel(request, redemption_id):
    member = _member(request)
    redemption = get_object_or_404(Redemption, pk=redemption_id, member=member)
    try:
        redemption_services.redemption_cancel(member=member, code=redemption.code)
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
    venues = redeeming_venues(user=request.user)
    redemption = (
        Redemption.objects.filter(code=code)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
        .first()
    )
    if redemption is None:
        return _refused(request, RedemptionNotFound(detail={"code": code}), status=404)
    here = next((v for v in venues if v.pk == redemption.organisation_id), None)
    if here is not None:
        return redirect(f"{reverse('venue-redeem', args=[here.pk])}?{urlencode({'code': code})}")
    if venues:
        refused = WrongVenue(
            _("This code is for %(venue)s, so it cannot be used here.")
            % {"venue": redemption.organisation.name}
        )
        return _refused(request, refused)
    return render(request, "partners/show_to_staff.html", {"code": code})


@login_required
@require_http_methods(["GET", "POST"])
def venue_redeem(request, organisation_id):
    """The till page: enter or scan a code, charge a pass, and today's redemptions."""
    venue = get_object_or_404(Organisation, pk=organisation_id)
    require(request.user, Action.ORGANISATION_REDEEM, organisation=venue)
    offers = [o for o in offers_for_venue(venue=venue) if o.active]
    form_name = request.POST.get("form")
    code_form = CodeForm(
        request.POST if form_name == "code" else None,
        initial={"code": request.GET.get("code", "")},
    )
    charge_form = ChargeForm(
        request.POST if form_name == "charge" else None,
        offers=offers,
        # Arriving from a scanned member pass (/p/<token>): the pass is filled in.
        initial={"pass_token": request.GET.get("pass", "")},
    )
    key = request.POST.get("key", "")[:200] or uuid.uuid4().hex
    try:
        if form_name == "code" and code_form.is_valid():
            redemption = redemption_services.redemption_complete(
                actor=request.user,
                venue=venue,
                code=code_form.cleaned_data["code"],
                idempotency_key=key,
            )
            messages.success(
                request,
                _("Done: %(offer)s for member %(member)s.")
                % {"offer": redemption.offer.title, "member": redemption.member.code},
            )
            return redirect("venue-redeem", venue.pk)
        if form_name == "charge" and charge_form.is_valid():
            offer = get_object_or_404(Offer, pk=charge_form.cleaned_data["offer"])
            redemption, _created = redemption_services.redemption_charge_pass(
                actor=request.user,
                venue=venue,
                offer=offer,
                pass_token=charge_form.token(),
                idempotency_key=key,
            )
            messages.success(
                request,
                _("Charged: %(offer)s to member %(member)s.")
                % {"offer": offer.title, "member": redemption.member.code},
            )
            return redirect("venue-redeem", venue.pk)
    except DomainError as refused:
        messages.error(request, refused.message)
    context = {
        "venue": venue,
        "code_form": code_form,
        "charge_form": charge_form if offers else None,
        "key": uuid.uuid4().hex,
        "today": venue_redemptions(venue=venue, day=timezone.localdate()),
        "can_manage": has_permission(
            request.user, Action.ORGANISATION_OFFERS_MANAGE, organisation=venue
        ),
    }
    return render(request, "partners/venue_redeem.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def venue_offers(request, organisation_id, offer_id=None):
    """Manage a venue's offers: the list, and a form to add one or change one."""
    venue = get_object_or_404(Organisation, pk=organisation_id)
    require(request.user, Action.ORGANISATION_OFFERS_MANAGE, organisation=venue)
    offer = get_object_or_404(Offer, pk=offer_id, organisation=venue) if offer_id else None
    initial = OfferForm.initial_for(offer) if offer else None
    form = OfferForm(request.POST or None, request.FILES or None, initial=initial, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            if offer is None:
                offer_services.offer_create(actor=request.user, venue=venue, **form.offer_values())
            else:
                offer_services.offer_update(actor=request.user, offer=offer, **form.offer_values())
        except Invalid as invalid:
            form.add_service_errors(invalid)
        except DomainError as refused:
            return _refused(request, refused, status=422)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("venue-offers", venue.pk)
    context = {
        "venue": venue,
        "offers": offers_for_venue(venue=venue),
        "form": form,
        "editing": offer,
    }
    return render(request, "partners/venue_offers.html", context)
