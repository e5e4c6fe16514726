"""Reads about organisations and offers: a programme's groups, browsing offers, a member's codes,
a venue's day."""

import datetime
import hashlib

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.errors import NotFound, PermissionDenied
from timecredits.permissions import MATRIX, Action, has_permission, require

from .models import Offer, Organisation, Participation, Redemption, StaffMembership


def offers_browse(
    *,
    member=None,
    category: str | None = None,
    organisation_id: int | None = None,
    available_today: bool = False,
    affordable_minutes: int | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Offer]:
    """Published offers at venues, those a member may use when given, with the phone's filters."""
    venues = [Organisation.Kind.VENUE, Organisation.Kind.BOTH]
    offers = (
        Offer.objects.filter(active=True, organisation__kind__in=venues)
        .select_related("organisation")
        .prefetch_related("programmes")
    )
    if member is not None:
        offers = offers.filter(programmes=member.programme_id)
    if category:
        offers = offers.filter(category=category)
    if organisation_id:
        offers = offers.filter(organisation_id=organisation_id)
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


def photo_version(offer: Offer) -> str:
    """Changes whenever the photo does (each upload gets a fresh file name): the ETag, and the
    query string that lets a browser keep a photo for a long time."""
    return hashlib.sha256(offer.photo.name.encode()).hexdigest()[:16]


def photo_url(offer: Offer) -> str:
    """The path that serves an offer's photo, or "" when it has none."""
    if not offer.photo:
        return ""
    return f"{reverse('offer-photo', args=[offer.pk])}?v={photo_version(offer)}"


def redeeming_venues(*, user) -> list[Organisation]:
    """The venues where the user is staff who may complete codes and charge passes."""
    if not user.is_authenticated:
        return []
    roles = [
        r.value
        for r in MATRIX[Action.ORGANISATION_REDEEM]
        if r.value in StaffMembership.Role.values
    ]
    return list(
        Organisation.objects.filter(
            staff__user=user,
            staff__role__in=roles,
            kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH],
        )
        .distinct()
        .order_by("name")
    )


def offers_for_venue(*, venue) -> QuerySet[Offer]:
    return Offer.objects.filter(organisation=venue).prefetch_related("programmes")


def member_redemptions(*, member, limit: int = 100) -> list[Redemption]:
    return list(
        Redemption.objects.filter(member=member).select_related("offer__organisation", "member")[
            :limit
        ]
    )


def venue_redemptions(*, venue, day: datetime.date) -> list[Redemption]:
    """What a venue's staff see for a day: every code made or used that day, newest first."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return list(
        Redemption.objects.filter(organisation=venue)
        .filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .select_related("offer", "member__user")
    )


def is_live(redemption: Redemption, *, now: datetime.datetime | None = None) -> bool:
    """Held and still inside its time: the one state in which a venue can complete it."""
    return redemption.status == Redemption.Status.HELD and redemption.expires_at > (
        now or timezone.now()
    )


def programme_groups(*, programme) -> QuerySet[Organisation]:
    """Approved groups of a programme (a programme or its id): those that give credits, and so
    can be funded, receive donations, and take a leaving member's balance."""
    return Organisation.objects.filter(
        participation__programme=programme,
        participation__status=Participation.Status.APPROVED,
        kind__in=[Organisation.Kind.GROUP, Organisation.Kind.BOTH],
    ).order_by("name")


def organisation_staff(*, actor, organisation: Organisation) -> QuerySet[StaffMembership]:
    """An organisation's staff and their roles, for its admins."""
    require(actor, Action.ORGANISATION_STAFF_VIEW, organisation=organisation)
    return StaffMembership.objects.filter(organisation=organisation).select_related("user")


# What an organisation's page shows, each part to those whose role allows it.
ORGANISATION_PAGE_PARTS = {
    "edit": Action.ORGANISATION_EDIT,
    "staff": Action.ORGANISATION_STAFF_VIEW,
    "invite": Action.ORGANISATION_STAFF_INVITE,
    "register": Action.ORGANISATION_MEMBER_REGISTER,
    "sessions": Action.ORGANISATION_ACTIVITIES_MANAGE,
    "verify": Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
    "reports": Action.ORGANISATION_REPORTS_VIEW,
    "redeem": Action.ORGANISATION_REDEEM,
    "offers": Action.ORGANISATION_OFFERS_MANAGE,
    "statement": Action.ORGANISATION_STATEMENT_VIEW,
}
VENUE_PARTS = {"redeem", "offers", "statement"}


def organisation_page_parts(*, actor, organisation: Organisation) -> dict[str, bool]:
    """Which parts of an organisation's page the actor may see: any of its staff sees the page
    (venue staff its name and their tools), nobody else does."""
    parts = {
        part: has_permission(actor, action, organisation=organisation)
        for part, action in ORGANISATION_PAGE_PARTS.items()
    }
    if organisation.kind not in (Organisation.Kind.VENUE, Organisation.Kind.BOTH):
        parts.update(dict.fromkeys(VENUE_PARTS, False))
    if (
        not any(parts.values())
        and not StaffMembership.objects.filter(user=actor, organisation=organisation).exists()
    ):
        raise PermissionDenied()
    return parts


def staff_landing_url(*, membership: StaffMembership) -> str:
    """Where someone who just joined an organisation's staff starts: the page of their work."""
    organisation = membership.organisation
    is_venue = organisation.kind in (Organisation.Kind.VENUE, Organisation.Kind.BOTH)
    if membership.role == StaffMembership.Role.VENUE_STAFF and is_venue:
        return reverse("venue-redeem", args=[organisation.pk])
    if membership.role == StaffMembership.Role.COORDINATOR:
        return reverse("organisation-sessions", args=[organisation.pk])
    return reverse("organisation-detail", args=[organisation.pk])


def staff_roles(*, user, organisation) -> set[str]:
    """The roles a user holds in an organisation's staff."""
    return set(
        StaffMembership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def organisation_get(*, organisation_id: int) -> Organisation:
    """The organisation an id names, or the one error shape's 404."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


# --- credits: which organisations a programme's credits move between ---


def programme_participations(*, programme, status: str | None = None) -> QuerySet[Participation]:
    """The organisations in a programme with their approval, optionally of one status."""
    rows = Participation.objects.filter(programme=programme).select_related("organisation")
    return rows.filter(status=status) if status else rows


def participation_approved(*, programme, organisation) -> bool:
    return Participation.objects.filter(
        programme=programme, organisation=organisation, status=Participation.Status.APPROVED
    ).exists()


def organisation_gift_recipients(*, organisation: Organisation) -> list[Organisation]:
    """Approved organisations sharing an approved programme with this one, itself excluded."""
    programmes = Participation.objects.filter(
        organisation=organisation, status=Participation.Status.APPROVED
    ).values("programme")
    return list(
        Organisation.objects.filter(
            participation__programme__in=programmes,
            participation__status=Participation.Status.APPROVED,
        )
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name")
    )


def first_programme(*, organisation: Organisation):
    """The programme of the organisation's oldest approved participation, or None."""
    participation = (
        Participation.objects.filter(
            organisation=organisation, status=Participation.Status.APPROVED
        )
        .select_related("programme")
        .order_by("pk")
        .first()
    )
    return participation.programme if participation else None


def venues_taking_part() -> QuerySet[Organisation]:
    """Venues approved in at least one programme, in id order."""
    return (
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH],
            participation__status=Participation.Status.APPROVED,
        )
        .distinct()
        .order_by("pk")
    )


# --- act: the programmes an organisation's activities may join ---
def approved_programme(*, organisation: Organisation):
    """A programme that has approved the organisation (the first, if several), or None."""
    return organisation.programmes.filter(
        participation__status=Participation.Status.APPROVED
    ).first()


def is_approved_in(*, organisation: Organisation, programme) -> bool:
    return Participation.objects.filter(
        organisation=organisation, programme=programme, status=Participation.Status.APPROVED
    ).exists()


# --- members: a person's staff roles, and the venues they serve ---
STAFF_ROLE_LABELS = dict(StaffMembership.Role.choices)


def user_staff_memberships(*, user) -> QuerySet[StaffMembership]:
    """Every organisation the user is staff of, with their role there."""
    return StaffMembership.objects.filter(user=user).select_related("organisation")


def user_venue_ids(*, user) -> set[int]:
    """The venues (and venue-groups) whose staff the user is."""
    return set(
        Organisation.objects.filter(
            staff__user=user, kind__in=[Organisation.Kind.VENUE, Organisation.Kind.BOTH]
        ).values_list("pk", flat=True)
    )


# --- reports: organisations' names, the ones in a programme, and spending by offer category ---

OfferCategory = Offer.Category


def organisation_names(*, ids) -> dict[int, str]:
    """The names of the organisations `ids` name, by id."""
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def programme_organisations(*, programme) -> QuerySet[Organisation]:
    """The organisations taking part in a programme (a programme or its id), by name."""
    return Organisation.objects.filter(
        participation__programme=programme,
        participation__status=Participation.Status.APPROVED,
    ).order_by("name")


def spending_by_category(*, spending) -> list[dict]:
    """Members and credits spent by the category of the offer redeemed (the redemption is the
    spending's cause), from `spending`: a values QuerySet of `cause_id`, `amount` and `member`.

    The ORM cannot join on `cause_id`, which is no foreign key, and a subquery per transfer took
    seconds, so the spending's own query is joined to the redemptions here."""
    spent, params = spending.order_by().query.sql_with_params()
    # Only the ORM's own SQL and table names are put in; the values are parameters.
    sql = (
        "SELECT o.category, COUNT(DISTINCT s.member), SUM(s.amount) "  # noqa: S608
        f"FROM ({spent}) s LEFT JOIN {Redemption._meta.db_table} r ON r.id = s.cause_id "
        f"LEFT JOIN {Offer._meta.db_table} o ON o.id = r.offer_id "
        "GROUP BY o.category ORDER BY o.category"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            # PostgreSQL sums bigints as numeric; the ORM's Sum would give an int.
            {"key": key, "members": members, "minutes": int(minutes)}
            for key, members, minutes in cursor.fetchall()
        ]
