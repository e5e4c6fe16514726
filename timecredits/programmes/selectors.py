"""Reads about programmes: the organisations taking part, and the credits their admins have
allocated to groups."""

from django.utils.translation import gettext as _

from ledger.models import Account, Transfer
from partners.models import Participation
from timecredits.errors import NotFound
from timecredits.permissions import Action, require

from .models import Programme, ProgrammeRole


def programme_allocations(*, programme: Programme, limit: int = 50) -> list[Transfer]:
    """The latest allocations from the programme's issuance, newest first."""
    return list(
        Transfer.objects.filter(
            kind=Transfer.Kind.ALLOCATE,
            debit_account__programme=programme,
            debit_account__kind=Account.Kind.ISSUANCE,
        )
        .select_related("credit_account__organisation")
        .order_by("-pk")[:limit]
    )


def programme_participations(*, actor, programme: Programme, status: str | None = None):
    """The organisations in a programme with their approval, for those who review them."""
    require(actor, Action.PROGRAMME_ORGANISATIONS_REVIEW, programme=programme)
    rows = Participation.objects.filter(programme=programme)
    return rows.filter(status=status) if status else rows


def programme_roles(*, user, programme) -> set[str]:
    """The roles a user holds in a programme."""
    return set(
        ProgrammeRole.objects.filter(user=user, programme=programme).values_list("role", flat=True)
    )


def programme_get(*, programme_id: int) -> Programme:
    """The programme an id names, or the one error shape's 404."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("There is no such programme."))
    return programme


# --- spend: programmes an offer names, and those a user administers ---


def programmes_by_ids(*, ids) -> list[Programme]:
    """The programmes these ids name, or a 404 when any is unknown."""
    programmes = list(Programme.objects.filter(pk__in=ids))
    if len(programmes) != len(set(ids)):
        raise NotFound(_("Some programmes were not found."))
    return programmes


def programmes_administered(*, user):
    """The ids of the programmes the user is an admin of, as a subquery."""
    return ProgrammeRole.objects.filter(user=user, role=ProgrammeRole.Role.ADMIN).values(
        "programme"
    )
