"""Reads about people: who someone is and which roles they hold where."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from partners.models import StaffMembership
from timecredits.programmes.models import ProgrammeRole

from .models import Member

ROLE_LABELS = {
    "platform_staff": _("Platform staff"),
    "member": _("Member"),
    **dict(ProgrammeRole.Role.choices),
    **dict(StaffMembership.Role.choices),
}


@dataclass(frozen=True)
class RoleGrant:
    role: str
    scope: str  # "programme", "organisation" or "platform"
    scope_id: int | None
    scope_name: str

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


def member_for_user(*, user) -> Member | None:
    return Member.objects.select_related("programme").filter(user=user).first()


def user_roles(*, user) -> list[RoleGrant]:
    """Every role the user holds, platform staff first, then programmes, then organisations."""
    grants = []
    if user.is_superuser:
        grants.append(RoleGrant("platform_staff", "platform", None, ""))
    grants += [
        RoleGrant(r.role, "programme", r.programme_id, r.programme.name)
        for r in ProgrammeRole.objects.filter(user=user).select_related("programme")
    ]
    grants += [
        RoleGrant(s.role, "organisation", s.organisation_id, s.organisation.name)
        for s in StaffMembership.objects.filter(user=user).select_related("organisation")
    ]
    if Member.objects.filter(user=user).exists():
        grants.append(RoleGrant("member", "platform", None, ""))
    return grants
