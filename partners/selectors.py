"""Reads about organisations: their programmes, staff, invitations and venues."""

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from timecredits.errors import NotFound, check_choice

from .models import Invitation, Organisation, Participation, StaffMembership

# The kinds of organisation that accept credits, and so publish offers.
VENUE_KINDS = (Organisation.Kind.VENUE, Organisation.Kind.BOTH)


def staff_venues(*, user, roles) -> list[Organisation]:
    """The venues where the user holds one of these staff roles."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            staff__user=user,
            staff__role__in=[r for r in roles if r in StaffMembership.Role.values],
            kind__in=VENUE_KINDS,
        )
        .distinct()
        .order_by("name")
    )


def venues_with_active_offers() -> QuerySet[Organisation]:
    """Venues that publish at least one offer: the choices of the offers page's filter."""
    return Organisation.objects.filter(kind__in=VENUE_KINDS, offers__active=True).distinct()


def programme_groups(*, programme) -> QuerySet[Organisation]:
    """Approved groups of a programme (a programme or its id): those that give credits, and so
    can be funded, receive donations, and take a leaving member's balance."""
    return Organisation.objects.filter(
        participation__programme=programme,
        participation__status=Participation.Status.APPROVED,
        kind__in=[Organisation.Kind.GROUP, Organisation.Kind.BOTH],
    ).order_by("name")


def organisation_staff(*, organisation: Organisation) -> QuerySet[StaffMembership]:
    """An organisation's staff and their roles."""
    return StaffMembership.objects.filter(organisation=organisation).select_related("user")


def sole_admin(*, organisation: Organisation) -> int | None:
    """The id of the organisation's admin role when it has just one."""
    admins = list(
        StaffMembership.objects.filter(
            organisation=organisation, role=StaffMembership.Role.ORG_ADMIN
        ).values_list("pk", flat=True)[:2]
    )
    return admins[0] if len(admins) == 1 else None


def staff_membership_get(*, organisation: Organisation, membership_id: int) -> StaffMembership:
    """One role in the organisation's staff, or the one error shape's 404."""
    membership = organisation_staff(organisation=organisation).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("There is no such role in this organisation's staff."))
    return membership


def invitations_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations nobody has accepted and nobody withdrew, last sent first
    (a link sent more than `Invitation.LINK_LIFETIME` ago no longer works)."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).order_by("-sent_at", "-pk")


def invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation:
    """One of the organisation's invitations, or the one error shape's 404."""
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("This organisation sent no such invitation."))
    return invitation


def is_staff_of(*, user, organisation: Organisation) -> bool:
    """Whether the user holds any role in the organisation's staff."""
    return StaffMembership.objects.filter(user=user, organisation=organisation).exists()


def approved_programmes(*, organisation: Organisation):
    """The programmes an organisation's place in is approved."""
    return organisation.programmes.filter(participation__status=Participation.Status.APPROVED)


def staff_landing_url(*, membership: StaffMembership) -> str:
    """Where someone who just joined an organisation's staff starts: the page of their work."""
    organisation = membership.organisation
    is_venue = organisation.kind in VENUE_KINDS
    if membership.role == StaffMembership.Role.VENUE_STAFF and is_venue:
        return reverse("venue-redeem", args=[organisation.pk])
    if membership.role == StaffMembership.Role.COORDINATOR:
        return reverse("organisation-sessions", args=[organisation.pk])
    return reverse("organisation-detail", args=[organisation.pk])


def staff_roles(*, user, organisation, lock: bool = False) -> set[str]:
    """The roles a user holds in an organisation's staff; with `lock`, their rows are locked
    until the caller's transaction ends, so a removal waits for it."""
    rows = StaffMembership.objects.filter(user=user, organisation=organisation)
    if lock and connection.vendor == "postgresql":
        # FOR KEY SHARE: a removal (a DELETE) waits for it, but approvals holding the same role
        # do not wait for one another. FOR NO KEY UPDATE made them queue on the role's row, and
        # deadlock with a single approval that locked its contribution first (CI saw Busy).
        sql, params = rows.values_list("role").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR KEY SHARE", params)
            return {role for (role,) in cursor.fetchall()}
    return set(rows.values_list("role", flat=True))


def organisations_visible(*, user, administered) -> QuerySet[Organisation]:
    """Approved organisations, plus pending ones to their own staff and to the admins of their
    programmes (`administered`: the programmes the user is an admin of)."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(participation__status=Participation.Status.APPROVED)
        | Q(staff__user=user)
        | Q(participation__programme__in=administered)
    ).distinct()


def organisation_visible_get(*, user, administered, organisation_id: int) -> Organisation:
    """An organisation the user may know of, or the same 404 as one that does not exist."""
    organisation = (
        organisations_visible(user=user, administered=administered)
        .prefetch_related("participation_set")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


def organisation_get(*, organisation_id: int) -> Organisation:
    """The organisation an id names, or the one error shape's 404."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


# --- credits: which organisations a programme's credits move between ---


def programme_participations(*, programme, status: str | None = None) -> QuerySet[Participation]:
    """The organisations in a programme with their approval, optionally of one status."""
    check_choice("status", status, Participation.Status.values)
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


# --- reports: organisations' names, and the ones in a programme ---


def organisation_names(*, ids) -> dict[int, str]:
    """The names of the organisations `ids` name, by id."""
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def programme_organisations(*, programme) -> QuerySet[Organisation]:
    """The organisations taking part in a programme (a programme or its id), by name."""
    return Organisation.objects.filter(
        participation__programme=programme,
        participation__status=Participation.Status.APPROVED,
    ).order_by("name")


# --- home: the organisations someone works for, their staff, and programmes' approvals ---


def organisations_by_ids(*, ids) -> dict[int, Organisation]:
    """The organisations `ids` name, by id."""
    return Organisation.objects.in_bulk(list(ids))


def organisations_staff(*, organisation_ids) -> dict[int, list[StaffMembership]]:
    """The staff of each of these organisations (with their user), by organisation id."""
    staff = {organisation_id: [] for organisation_id in organisation_ids}
    for membership in (
        StaffMembership.objects.filter(organisation_id__in=organisation_ids)
        .select_related("user")
        .order_by("role", "user__first_name", "user__username")
    ):
        staff[membership.organisation_id].append(membership)
    return staff


def pending_participations_count(*, programme_ids) -> dict[int, int]:
    """How many organisations wait for approval in each of these programmes, by programme id
    (a programme with none is left out)."""
    rows = (
        Participation.objects.filter(
            programme_id__in=programme_ids, status=Participation.Status.PENDING
        )
        .values("programme_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["programme_id"]: row["count"] for row in rows}
