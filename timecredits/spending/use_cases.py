"""What members and venues do with offers and redemptions, for pages and API alike: each use case
takes the acting user, checks permission once, loads what it needs and returns what the caller
renders."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.selectors import account_balance, member_account
from partners.selectors import organisation_get, venues_with_active_offers
from partners.use_cases import redeeming_venues
from timecredits.activities.limits import FIRST_YEAR, LAST_YEAR
from timecredits.credits.services.gifts import recipient_by_pass
from timecredits.errors import DomainError, Invalid, NotFound
from timecredits.members.passes import pass_token_in
from timecredits.members.selectors import member_for_user
from timecredits.members.use_cases import own_member
from timecredits.paging import page_of
from timecredits.permissions import Action, has_permission, permitted_organisation, require
from timecredits.programmes.selectors import programmes_by_ids

from . import selectors
from .display import photo_version
from .errors import OfferUnavailable, RedemptionNotFound, WrongVenue
from .services import offers as offer_services
from .services import redemptions as redemption_services
from .tokens import normalise_code


def _own_member(actor):
    """The acting member, for the API: a caller who holds no member's role is refused first
    (a page just finds no member: 404)."""
    require(actor, Action.OWN_PROFILE)
    return own_member(actor=actor)


def _available(member) -> int:
    return account_balance(account=member_account(member=member)).available


def _visible_offer(member, offer_id: int):
    """An offer the member may use, or a 404: a page shows no other. One of their programme's
    that its venue has paused says so (it was a bare "That was not found" to a member who had
    just seen it)."""
    offer = selectors.offers_browse(member=member).filter(pk=offer_id).first()
    if offer is None:
        if selectors.offer_in_programme(offer_id=offer_id, programme_id=member.programme_id):
            raise OfferUnavailable(_("The venue has paused this offer for now."))
        raise NotFound()
    return offer


def _programmes(programme_ids):
    return None if programme_ids is None else programmes_by_ids(ids=programme_ids)


def _days(values: dict) -> dict:
    """An offer's values with its days, given as `weekdays` (0 is Monday), as it stores them."""
    if "weekdays" not in values:
        return values
    weekdays = values.pop("weekdays")
    return values | {"days_of_week": offer_services.weekdays_bits(weekdays)}


# Members: offers, redeeming them and their codes.


def offer_venues(*, actor) -> list:
    """The venues a member can filter the offers page by."""
    own_member(actor=actor)
    return list(venues_with_active_offers())


def offers_page(
    *,
    actor,
    category: str | None = None,
    organisation_id: int | None = None,
    available_today: bool = False,
    affordable: bool = False,
) -> dict:
    """The offers a member may use, with the page's filters, and what they have to spend."""
    member = own_member(actor=actor)
    available = _available(member)
    offers = selectors.offers_browse(
        member=member,
        category=category or None,
        organisation_id=organisation_id,
        available_today=available_today,
        affordable_minutes=available if affordable else None,
        current=True,
    )
    return {"offers": offers[:100], "available": available}


def offers_list(
    *,
    actor,
    category: str | None,
    organisation_id: int | None,
    available_today: bool,
    affordable: bool,
    offset: int,
    limit: int,
) -> dict:
    """A page of offers for the API: a member's own, or every published one for anyone else."""
    member = member_for_user(user=actor)
    if member is not None and member.closed_at is not None:
        member = None
    affordable_minutes = None
    if affordable:
        if member is None:
            raise Invalid(_("Only a member has a balance to compare with."), code="not_a_member")
        affordable_minutes = _available(member)
    offers = selectors.offers_browse(
        member=member,
        category=category,
        organisation_id=organisation_id,
        available_today=available_today,
        affordable_minutes=affordable_minutes,
        current=True,
    )
    return {"items": list(offers[offset : offset + limit]), "count": offers.count()}


def offer_page(*, actor, offer_id: int) -> dict:
    member = own_member(actor=actor)
    offer = _visible_offer(member, offer_id)
    available = _available(member)
    return {
        "offer": offer,
        "available": available,
        "short": max(0, offer.cost_minutes - available),  # what they still need to earn
        # A code they have already: Back after getting one, then the button again, made two.
        "waiting": selectors.member_codes_waiting(member=member, offer=offer),
        # Why no code can be had now (not started, ended, not today, the limit reached): said
        # in place of a button that could only be refused.
        "refusal": redemption_services.redeem_refusal(offer, member, timezone.now()),
    }


def offer_redeem(*, actor, offer_id: int, idempotency_key: str, expected_cost: int | None = None):
    """A member redeems an offer from its page, at the cost it showed; returns (redemption,
    created)."""
    member = own_member(actor=actor)
    return redemption_services.redemption_create(
        member=member,
        offer=_visible_offer(member, offer_id),
        idempotency_key=idempotency_key,
        expected_cost=expected_cost,
    )


def redemption_create(
    *, actor, offer_id: int, idempotency_key: str, expected_cost: int | None = None
):
    """A member redeems an offer through the API; returns (redemption, created)."""
    member = _own_member(actor)
    return redemption_services.redemption_create(
        member=member,
        offer=selectors.offer_get(offer_id=offer_id),
        idempotency_key=idempotency_key,
        expected_cost=expected_cost,
    )


# How many of a member's codes one page of "Your codes" shows.
REDEMPTIONS_PAGE = 50


def redemptions_page(*, actor, page: int = 1) -> dict:
    """One page of the member's codes, newest first, with the numbers of the pages `older` and
    `newer` where there are some."""
    read = partial(selectors.member_redemptions, member=own_member(actor=actor))
    found = page_of(read, page=page, size=REDEMPTIONS_PAGE)
    return {"redemptions": found.rows, "older": found.older, "newer": found.newer}


def member_redemptions_list(*, actor, limit: int = 100, offset: int = 0) -> list:
    return selectors.member_redemptions(member=_own_member(actor), limit=limit, offset=offset)


def my_redemption(*, actor, redemption_id: int):
    return selectors.member_redemption_get(
        member=own_member(actor=actor), redemption_id=redemption_id
    )


def my_redemption_cancel(*, actor, redemption_id: int):
    member = own_member(actor=actor)
    redemption = selectors.member_redemption_get(member=member, redemption_id=redemption_id)
    return redemption_services.redemption_cancel(member=member, code=redemption.code)


def redemption_cancel(*, actor, code: str, idempotency_key: str | None = None):
    return redemption_services.redemption_cancel(
        member=_own_member(actor), code=code, idempotency_key=idempotency_key
    )


# An offer's photo.


@dataclass(frozen=True)
class OfferPhoto:
    name: str
    version: str
    public: bool


def offer_photo(*, actor, offer_id: int) -> OfferPhoto:
    """A published offer's photo is public; an unpublished one only its venue's staff see."""
    offer = selectors.offer_get(offer_id=offer_id)
    public = offer.active and offer.organisation.accepts_credits
    if not offer.photo or not (
        public
        or has_permission(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation=offer.organisation)
    ):
        raise NotFound(_("This offer has no photo."))
    return OfferPhoto(name=offer.photo.name, version=photo_version(offer), public=public)


# Venues: the till, and their offers.


def redemption_scanned(*, actor, code: str) -> int | None:
    """Where a scanned code leads: the id of the actor's venue that completes it, or None when
    the actor is not staff of a venue (they show it to the venue's staff)."""
    venues = redeeming_venues(actor=actor)
    redemption = selectors.redemption_latest_by_code(code=code)
    if redemption is None:
        raise RedemptionNotFound(detail={"code": code})
    here = next((v for v in venues if v.pk == redemption.organisation_id), None)
    if here is not None:
        return here.pk
    if venues:
        raise WrongVenue(
            _("This code is for %(venue)s, so it cannot be used here.")
            % {"venue": redemption.organisation.name}
        )
    return None


def venue_till(*, actor, organisation_id: int, code: str = "", pass_token: str = "") -> dict:
    """The till page: the venue, its published offers (and those a pass can be charged for now)
    and its day (read when shown). A code or a pass arriving from a scan is shown first, so
    staff see who and what before completing: `scanned` is that code's redemption here,
    `pass_holder` the member the pass names (None when there is none here: completing or
    charging then says why)."""
    venue = permitted_organisation(actor, Action.ORGANISATION_REDEEM, organisation_id)
    offers, now = [o for o in selectors.offers_for_venue(venue=venue) if o.active], timezone.now()
    for offer in offers:
        offer.organisation = venue  # read once, not once for each offer checked below
    return {
        "venue": venue,
        "offers": offers,
        # What a pass can be charged for now (the offers on today, at this hour, within their
        # dates): staff are not offered one that charging would refuse.
        "chargeable": [o for o in offers if _on_now(o, now)],
        "today": selectors.venue_redemptions(venue=venue, day=timezone.localdate()),
        "can_manage": has_permission(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation=venue),
        "scanned": _scanned_redemption(venue, code),
        "pass_holder": _pass_holder(pass_token),
    }


def _on_now(offer, now) -> bool:
    try:
        redemption_services.check_available(offer, now)
    except DomainError:
        return False
    return True


def _scanned_redemption(venue, code: str):
    if not code:
        return None
    redemption = selectors.redemption_latest_by_code(code=normalise_code(code))
    if redemption is None or redemption.organisation_id != venue.pk:
        return None
    return redemption


def _pass_holder(pass_token: str):
    token = pass_token_in(pass_token)
    if not token:
        return None
    try:
        return recipient_by_pass(pass_token=token)
    except DomainError:
        return None


def redemption_complete(*, actor, organisation_id: int, code: str, idempotency_key: str):
    venue = permitted_organisation(actor, Action.ORGANISATION_REDEEM, organisation_id)
    return redemption_services.redemption_complete(
        actor=actor, venue=venue, code=code, idempotency_key=idempotency_key
    )


def redemption_charge_pass(*, actor, organisation_id: int, offer_id: int, **charge):
    """Returns (redemption, created); `charge` is the pass_token and idempotency_key, as
    `redemption_services.redemption_charge_pass` takes them."""
    venue = organisation_get(organisation_id=organisation_id)
    offer = selectors.offer_get(offer_id=offer_id)
    require(actor, Action.ORGANISATION_REDEEM, organisation=venue)
    return redemption_services.redemption_charge_pass(
        actor=actor, venue=venue, offer=offer, **charge
    )


def venue_day(*, actor, organisation_id: int, date: str):
    """A venue's codes for a day: "today", or a date like 2026-05-01."""
    venue = permitted_organisation(actor, Action.ORGANISATION_REDEEM, organisation_id)
    if date == "today":
        day = timezone.localdate()
    else:
        try:
            day = datetime.date.fromisoformat(date)
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValueError(date)
        except ValueError as bad:
            raise Invalid(
                detail=[{"field": "date", "message": _("Use today or YYYY-MM-DD.")}]
            ) from bad
    return selectors.venue_redemptions(venue=venue, day=day)


def venue_offers_page(*, actor, organisation_id: int, offer_id: int | None = None) -> dict:
    """A venue's offers (read when shown), and the one being changed."""
    venue = permitted_organisation(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation_id)
    editing = None
    if offer_id is not None:
        editing = selectors.offer_get(offer_id=offer_id)
        if editing.organisation_id != venue.pk:
            raise NotFound()
    return {"venue": venue, "offers": selectors.offers_for_venue(venue=venue), "editing": editing}


def offer_create(*, actor, organisation_id: int, programme_ids=None, **values):
    """Publish an offer; its days may be given as `weekdays` (0 is Monday)."""
    values = _days(values)
    programmes = _programmes(programme_ids)
    venue = permitted_organisation(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation_id)
    return offer_services.offer_create(venue=venue, programmes=programmes, **values)


def offer_update(*, actor, offer_id: int, programme_ids=None, **changes):
    """Change an offer; its days may be given as `weekdays` (0 is Monday)."""
    offer = selectors.offer_get(offer_id=offer_id)
    changes = _days(changes)
    programmes = _programmes(programme_ids)
    require(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation=offer.organisation)
    return offer_services.offer_update(offer=offer, programmes=programmes, **changes)


def offer_photo_set(*, actor, offer_id: int, photo):
    offer = selectors.offer_get(offer_id=offer_id)
    require(actor, Action.ORGANISATION_OFFERS_MANAGE, organisation=offer.organisation)
    return offer_services.offer_photo_set(offer=offer, photo=photo)
