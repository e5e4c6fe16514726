"""What organisations and their staff do, for pages and API alike: each use case takes the acting
user, checks permission once, loads what it needs and returns what the caller renders."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from timecredits.errors import Conflict, Invalid, NotFound, PermissionDenied
from timecredits.members.selectors import members_registered_by, registered_member
from timecredits.members.use_cases import (
    member_register_assisted,
    organisation_member_card_replace,
)
from timecredits.permissions import MATRIX, Action, has_permission, permitted_organisation, require
from timecredits.programmes.selectors import programmes_administered

from . import selectors
from .models import Invitation, Organisation, StaffMembership
from .services import organisations as services


def redeeming_venues(*, actor) -> list[Organisation]:
    """The venues where the actor is staff who may complete codes and charge passes."""
    roles = [role.value for role in MATRIX[Action.ORGANISATION_REDEEM]]
    return selectors.staff_venues(user=actor, roles=roles)


def _visible_organisation(actor, organisation_id: int) -> Organisation:
    return selectors.organisation_visible_get(
        user=actor,
        administered=programmes_administered(user=actor),
        organisation_id=organisation_id,
    )


def organisations_list(*, actor) -> list[Organisation]:
    visible = selectors.organisations_visible(
        user=actor, administered=programmes_administered(user=actor)
    )
    return list(visible.prefetch_related("participation_set"))


def organisation_detail(*, actor, organisation_id: int) -> Organisation:
    return _visible_organisation(actor, organisation_id)


def organisation_update(*, actor, organisation_id: int, **changes) -> Organisation:
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_EDIT, organisation=organisation)
    return services.organisation_update(organisation=organisation, **changes)


def organisation_settings(*, actor, organisation_id: int) -> Organisation:
    """The organisation whose settings page its admin opens (a 404 if there is none, 403 for
    anyone else, coordinators too)."""
    return permitted_organisation(actor, Action.ORGANISATION_EDIT, organisation_id)


def organisation_settings_update(
    *, actor, organisation_id: int, auto_approve_checkins: bool, **details
) -> Organisation:
    """Its admin saves the organisation's details and how its check-ins are approved."""
    organisation = permitted_organisation(actor, Action.ORGANISATION_EDIT, organisation_id)
    return services.organisation_settings_update(
        organisation=organisation, auto_approve_checkins=auto_approve_checkins, **details
    )


def organisation_staff(*, actor, organisation_id: int) -> QuerySet[StaffMembership]:
    """An organisation's staff and their roles, for its admins."""
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_STAFF_VIEW, organisation=organisation)
    return selectors.organisation_staff(organisation=organisation)


def invitation_create(*, actor, organisation_id: int, email: str, role: str):
    """Invite someone to the staff by email; returns the invitation and its link's token."""
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_STAFF_INVITE, organisation=organisation)
    return services.invitation_create(
        actor=actor, organisation=organisation, email=email, role=role
    )


def invitations_open(*, actor, organisation_id: int) -> QuerySet[Invitation]:
    """The invitations still waiting to be accepted, for the organisation's admins."""
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_STAFF_INVITE, organisation=organisation)
    return selectors.invitations_open(organisation=organisation)


def invitation_withdraw(*, actor, organisation_id: int, invitation_id: int) -> Invitation:
    """An admin withdraws an invitation nobody has accepted: its link stops working."""
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_STAFF_INVITE, organisation=organisation)
    invitation = selectors.invitation_get(organisation=organisation, invitation_id=invitation_id)
    return services.invitation_withdraw(invitation=invitation)


def staff_remove(*, actor, organisation_id: int, membership_id: int):
    """An admin takes a role in the staff away (someone left, or was given the wrong role);
    returns the role taken away, and whether the actor still holds a role there (they may have
    removed their own)."""
    organisation = _visible_organisation(actor, organisation_id)
    require(actor, Action.ORGANISATION_STAFF_REMOVE, organisation=organisation)
    membership = selectors.staff_membership_get(
        organisation=organisation, membership_id=membership_id
    )
    services.staff_remove(membership=membership, removed_by=actor)
    return membership, selectors.is_staff_of(user=actor, organisation=organisation)


def invitation_page(*, token: str) -> dict:
    """What an invitation's link shows before it is accepted: who invites whom to what, or why
    it can no longer be accepted (`refused`). Anyone holding the link may read it."""
    try:
        return {"invitation": services.invitation_open(token), "refused": None}
    except (Invalid, Conflict) as refused:
        return {"invitation": None, "refused": refused}


def invitation_accept(*, actor, token: str) -> tuple[StaffMembership, str]:
    """The person who followed the link joins the staff; returns their membership and where
    their work starts."""
    membership = services.invitation_accept(actor=actor, token=token)
    return membership, selectors.staff_landing_url(membership=membership)


def member_register(*, actor, organisation_id: int, programme_id: int | None = None, **fields):
    """A coordinator registers someone without a smartphone or email, in the programme given or
    else the first their organisation is approved in."""
    organisation = _visible_organisation(actor, organisation_id)
    if programme_id is None:
        programme = selectors.first_programme(organisation=organisation)
        if programme is None:
            raise Invalid(_("Your organisation is not approved in a programme yet."))
        programme_id = programme.pk
    return member_register_assisted(
        actor=actor, organisation_id=organisation.pk, programme_id=programme_id, **fields
    )


def member_card(*, actor, organisation_id: int, member_id: int):
    """The printed card of a member the organisation registered. Permission first, so a
    stranger learns nothing about who is registered."""
    organisation = permitted_organisation(actor, Action.ORGANISATION_MEMBER_CARD, organisation_id)
    member = registered_member(organisation=organisation, member_id=member_id)
    if member is None:
        raise NotFound(_("This group registered no such member."), code="member_not_found")
    return member


def member_card_replace_visible(*, actor, organisation_id: int, member_id: int):
    """A new card for a member the organisation registered, through the API, where an
    organisation the actor may not know of is not found."""
    _visible_organisation(actor, organisation_id)
    return organisation_member_card_replace(
        actor=actor, organisation_id=organisation_id, member_id=member_id
    )


# What an organisation's page shows, each part to those whose role allows it.
ORGANISATION_PAGE_PARTS = {
    "edit": Action.ORGANISATION_EDIT,
    "staff": Action.ORGANISATION_STAFF_VIEW,
    "invite": Action.ORGANISATION_STAFF_INVITE,
    "remove": Action.ORGANISATION_STAFF_REMOVE,
    "register": Action.ORGANISATION_MEMBER_REGISTER,
    "sessions": Action.ORGANISATION_ACTIVITIES_MANAGE,
    "verify": Action.ORGANISATION_CONTRIBUTIONS_VERIFY,
    "reports": Action.ORGANISATION_REPORTS_VIEW,
    "redeem": Action.ORGANISATION_REDEEM,
    "offers": Action.ORGANISATION_OFFERS_MANAGE,
    "statement": Action.ORGANISATION_STATEMENT_VIEW,
}
VENUE_PARTS = {"redeem", "offers", "statement"}


def organisation_page(*, actor, organisation_id: int) -> dict:
    """An organisation's page: any of its staff sees it (venue staff its name and their tools),
    nobody else does; each part shows to those whose role allows it."""
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    parts = {
        part: has_permission(actor, action, organisation=organisation)
        for part, action in ORGANISATION_PAGE_PARTS.items()
    }
    if organisation.kind not in selectors.VENUE_KINDS:
        parts.update(dict.fromkeys(VENUE_PARTS, False))
    if not any(parts.values()) and not selectors.is_staff_of(user=actor, organisation=organisation):
        raise PermissionDenied()
    return {
        "organisation": organisation,
        "can": parts,
        "staff": selectors.organisation_staff(organisation=organisation) if parts["edit"] else None,
        # The one admin, whom no one can remove (the page offers no button that must fail).
        "sole_admin": selectors.sole_admin(organisation=organisation) if parts["edit"] else None,
        "invitations": selectors.invitations_open(organisation=organisation)
        if parts["invite"]
        else None,
        "registered": members_registered_by(organisation=organisation)
        if parts["register"]
        else None,
    }
