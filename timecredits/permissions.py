"""Who may do what: one matrix of role x action, checked once by each use case (never by views,
routers, services or selectors).

A role counts only in its own scope: a coordinator of one organisation is nobody in another, a
programme admin of one programme is nobody in the next. Platform staff may do everything.
Self-service actions need no scope: a member only ever acts on themself.
"""

from enum import StrEnum

from django.utils.translation import gettext as _

from partners.selectors import organisation_get, staff_roles
from timecredits.errors import PermissionDenied
from timecredits.programmes.selectors import programme_get, programme_roles


class Role(StrEnum):
    MEMBER = "member"
    # The values stored on partners.StaffMembership.role and programmes.ProgrammeRole.role.
    COORDINATOR = "coordinator"
    VENUE_STAFF = "venue_staff"
    ORG_ADMIN = "org_admin"
    PROGRAMME_ADMIN = "programme_admin"
    COMMISSIONER = "commissioner"
    PLATFORM_STAFF = "platform_staff"


class Action(StrEnum):
    # A member's own account.
    OWN_PROFILE = "member.profile"
    OWN_DATA_EXPORT = "member.export"
    OWN_ACCOUNT_CLOSE = "member.close"
    OWN_CREDITS_GIVE = "member.credits.give"
    OWN_SURVEYS = "member.surveys"
    # Within an organisation.
    ORGANISATION_EDIT = "organisation.edit"
    ORGANISATION_STAFF_VIEW = "organisation.staff.view"
    ORGANISATION_STAFF_INVITE = "organisation.staff.invite"
    ORGANISATION_STAFF_REMOVE = "organisation.staff.remove"
    ORGANISATION_MEMBER_REGISTER = "organisation.member.register"
    ORGANISATION_MEMBER_CARD = "organisation.member.card"
    ORGANISATION_ACTIVITIES_MANAGE = "organisation.activities.manage"
    ORGANISATION_ATTENDANCE = "organisation.attendance"
    ORGANISATION_CONTRIBUTIONS_VERIFY = "organisation.contributions.verify"
    ORGANISATION_CREDITS_GIVE = "organisation.credits.give"
    ORGANISATION_STATEMENT_VIEW = "organisation.statement.view"
    ORGANISATION_OFFERS_MANAGE = "organisation.offers.manage"
    ORGANISATION_REDEEM = "organisation.redeem"
    ORGANISATION_REPORTS_VIEW = "organisation.reports.view"
    # Within a programme.
    PROGRAMME_EDIT = "programme.edit"
    PROGRAMME_ORGANISATIONS_REVIEW = "programme.organisations.review"
    PROGRAMME_CREDITS_ALLOCATE = "programme.credits.allocate"
    PROGRAMME_REPORTS_VIEW = "programme.reports.view"
    PROGRAMME_REPORTS_SNAPSHOT = "programme.reports.snapshot"
    PROGRAMME_EXPIRY_REVERSE = "programme.expiry.reverse"
    PROGRAMME_SURVEYS_MANAGE = "programme.surveys.manage"
    PROGRAMME_PROXY_VALUES_MANAGE = "programme.proxy_values.manage"


ORGANISATION_ACTIONS = {a for a in Action if a.value.startswith("organisation.")}
PROGRAMME_ACTIONS = {a for a in Action if a.value.startswith("programme.")}

MATRIX: dict[Action, frozenset[Role]] = {
    Action.OWN_PROFILE: frozenset({Role.MEMBER}),
    Action.OWN_DATA_EXPORT: frozenset({Role.MEMBER}),
    Action.OWN_ACCOUNT_CLOSE: frozenset({Role.MEMBER}),
    Action.OWN_CREDITS_GIVE: frozenset({Role.MEMBER}),
    Action.OWN_SURVEYS: frozenset({Role.MEMBER}),
    Action.ORGANISATION_EDIT: frozenset({Role.ORG_ADMIN}),
    Action.ORGANISATION_STAFF_VIEW: frozenset({Role.ORG_ADMIN}),
    Action.ORGANISATION_STAFF_INVITE: frozenset({Role.ORG_ADMIN}),
    Action.ORGANISATION_STAFF_REMOVE: frozenset({Role.ORG_ADMIN}),
    Action.ORGANISATION_MEMBER_REGISTER: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.ORGANISATION_MEMBER_CARD: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.ORGANISATION_ACTIVITIES_MANAGE: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.ORGANISATION_ATTENDANCE: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.ORGANISATION_CONTRIBUTIONS_VERIFY: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.ORGANISATION_CREDITS_GIVE: frozenset({Role.ORG_ADMIN}),
    Action.ORGANISATION_STATEMENT_VIEW: frozenset({Role.ORG_ADMIN, Role.VENUE_STAFF}),
    Action.ORGANISATION_OFFERS_MANAGE: frozenset({Role.ORG_ADMIN, Role.VENUE_STAFF}),
    Action.ORGANISATION_REDEEM: frozenset({Role.ORG_ADMIN, Role.VENUE_STAFF}),
    Action.ORGANISATION_REPORTS_VIEW: frozenset({Role.ORG_ADMIN, Role.COORDINATOR}),
    Action.PROGRAMME_EDIT: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_ORGANISATIONS_REVIEW: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_CREDITS_ALLOCATE: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_REPORTS_VIEW: frozenset({Role.PROGRAMME_ADMIN, Role.COMMISSIONER}),
    Action.PROGRAMME_REPORTS_SNAPSHOT: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_EXPIRY_REVERSE: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_SURVEYS_MANAGE: frozenset({Role.PROGRAMME_ADMIN}),
    Action.PROGRAMME_PROXY_VALUES_MANAGE: frozenset({Role.PROGRAMME_ADMIN}),
}


def roles_in_scope(user, *, organisation=None, programme=None, hold=False) -> set[Role]:
    """The roles a user holds where it matters for this action; `hold` keeps their staff roles
    in the organisation locked until the transaction ends (see `require`)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = set()
    if user.is_superuser:
        roles.add(Role.PLATFORM_STAFF)
    if hasattr(user, "member") and user.member.closed_at is None:
        roles.add(Role.MEMBER)
    if organisation is not None:
        roles |= {Role(r) for r in staff_roles(user=user, organisation=organisation, lock=hold)}
    if programme is not None:
        roles |= {Role(r) for r in programme_roles(user=user, programme=programme)}
    return roles


def has_permission(user, action: Action, *, organisation=None, programme=None, hold=False) -> bool:
    if action in ORGANISATION_ACTIONS and organisation is None:
        raise ValueError(f"{action} needs the organisation it acts in")
    if action in PROGRAMME_ACTIONS and programme is None:
        raise ValueError(f"{action} needs the programme it acts in")
    roles = roles_in_scope(user, organisation=organisation, programme=programme, hold=hold)
    return Role.PLATFORM_STAFF in roles or bool(roles & MATRIX[action])


def require(user, action: Action, *, organisation=None, programme=None, hold=False) -> None:
    """Refuse unless the user may. With `hold`, inside a transaction, the staff role that allows
    it stays locked until the transaction ends: a removal of that role waits for what it allowed
    to finish, and everything after the removal is refused."""
    if not has_permission(user, action, organisation=organisation, programme=programme, hold=hold):
        raise PermissionDenied(
            _("You do not have a role that allows this here."), detail={"action": action.value}
        )


# Most use cases start by loading the organisation or programme they act in and requiring the
# action there: 404 when there is none, 403 when the actor may not.


def permitted_organisation(user, action: Action, organisation_id: int, *, hold=False):
    """The organisation, once `user` may do `action` in it (`hold`: see `require`)."""
    organisation = organisation_get(organisation_id=organisation_id)
    require(user, action, organisation=organisation, hold=hold)
    return organisation


def permitted_programme(user, action: Action, programme_id: int):
    """The programme, once `user` may do `action` in it."""
    programme = programme_get(programme_id=programme_id)
    require(user, action, programme=programme)
    return programme
