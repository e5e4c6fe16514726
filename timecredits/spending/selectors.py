"""Reads about offers and redemptions: browsing offers, a member's codes, a venue's day."""

import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.selectors import VENUE_KINDS
from timecredits.errors import NotFound

from .errors import OfferNotFound
from .models import Offer, Redemption


def offers_browse(
    *,
    member=None,
    category: str | None = None,
    organisation_id: int | None = None,
    available_today: bool = False,
    affordable_minutes: int | None = None,
    now: datetime.datetime | None = None,
    current: bool = False,
) -> QuerySet[Offer]:
    """Published offers at venues, those a member may use when given, with the phone's filters;
    `current`: none past its last day."""
    offers = (
        Offer.objects.filter(active=True, organisation__kind__in=VENUE_KINDS)
        .select_related("organisation")
        .prefetch_related("programmes")
    )
    if member is not None:
        offers = offers.filter(programmes=member.programme_id)
    if category:
        offers = offers.filter(category=category)
    if organisation_id:
        offers = offers.filter(organisation_id=organisation_id)
    if current:
        today = timezone.localdate(now or timezone.now())
        offers = offers.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if available_today:
        offers = _available_today(offers, now or timezone.now())
    if affordable_minutes is not None:
        offers = offers.filter(cost_minutes__lte=affordable_minutes)
    return offers.order_by("title", "pk")


def _places_taken(now: datetime.datetime, since: datetime.datetime):
    """How many places of the outer offer are taken since a moment, as redeeming counts them:
    completed, or held and not yet expired."""
    taken = (
        Redemption.objects.filter(offer=OuterRef("pk"), created_at__gte=since)
        .filter(
            Q(status=Redemption.Status.COMPLETED)
            | Q(status=Redemption.Status.HELD, expires_at__gt=now)
        )
        .order_by()
        .values("offer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken), 0)


def _available_today(offers: QuerySet[Offer], now: datetime.datetime) -> QuerySet[Offer]:
    """Offers a member could still redeem later today: running today, on this weekday, not yet
    closed for the day, and with a place left in this day's or week's capacity."""
    local = timezone.localtime(now)
    today = local.date()
    day_start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    week_start = day_start - datetime.timedelta(days=today.weekday())
    return (
        offers.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .annotate(today_bit=F("days_of_week").bitand(1 << today.weekday()))
        .filter(today_bit__gt=0)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=local.time()))
        .annotate(
            taken_today=_places_taken(now, day_start),
            taken_this_week=_places_taken(now, week_start),
        )
        .filter(
            Q(capacity__isnull=True)
            | Q(capacity_period=Offer.Period.DAY, taken_today__lt=F("capacity"))
            | Q(capacity_period=Offer.Period.WEEK, taken_this_week__lt=F("capacity"))
        )
    )


def offers_for_venue(*, venue) -> QuerySet[Offer]:
    return Offer.objects.filter(organisation=venue).prefetch_related("programmes")


def member_redemptions(*, member, limit: int = 100, offset: int = 0) -> list[Redemption]:
    """The member's codes, newest first (`limit` of them, after the first `offset`)."""
    rows = Redemption.objects.filter(member=member).select_related("offer__organisation", "member")
    return list(rows.order_by("-created_at", "-pk")[offset : offset + limit])


def member_codes_waiting(*, member, offer) -> list[Redemption]:
    """The member's codes for the offer that the venue can still take, newest first."""
    return list(
        Redemption.objects.filter(
            member=member,
            offer=offer,
            status=Redemption.Status.HELD,
            expires_at__gt=timezone.now(),
        ).order_by("-created_at", "-pk")
    )


def venue_redemptions(*, venue, day: datetime.date) -> QuerySet[Redemption]:
    """What a venue's staff see for a day: every code made or used that day, newest first (read
    when shown, so a page shows what a refused request left behind)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Redemption.objects.filter(organisation=venue)
        .filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .select_related("offer", "member__user")
    )


def offer_in_programme(*, offer_id: int, programme_id: int) -> bool:
    """Whether the offer is one for the programme's members, published or not."""
    return Offer.objects.filter(pk=offer_id, programmes=programme_id).exists()


def offer_get(*, offer_id: int) -> Offer:
    """The offer an id names, with its venue, or the one error shape's 404."""
    offer = Offer.objects.select_related("organisation").filter(pk=offer_id).first()
    if offer is None:
        raise OfferNotFound()
    return offer


def member_redemption_get(*, member, redemption_id: int) -> Redemption:
    """One of the member's own redemptions, or a 404 (another's is not theirs to see)."""
    redemption = (
        Redemption.objects.select_related("offer__organisation")
        .filter(pk=redemption_id, member=member)
        .first()
    )
    if redemption is None:
        raise NotFound()
    return redemption


def redemption_latest_by_code(*, code: str) -> Redemption | None:
    """The newest redemption a code names, with its venue."""
    return (
        Redemption.objects.filter(code=code)
        .select_related("organisation", "offer", "member__user")
        .order_by("-created_at", "-pk")
        .first()
    )


# --- reports: the offers' categories with their labels, and spending by venue and category ---
OFFER_CATEGORIES = dict(Offer.Category.choices)


def venues_redemptions_on(*, venue_ids, day: datetime.date) -> list[Redemption]:
    """`venue_redemptions` for several venues at once (a home page's), newest first."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return list(
        Redemption.objects.filter(organisation_id__in=venue_ids)
        .filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .select_related("offer", "member")
        .order_by("-created_at", "-pk")
    )
