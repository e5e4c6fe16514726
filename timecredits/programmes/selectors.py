"""Reads about programmes: the organisations taking part, and the credits their admins have
allocated to groups."""

from django.db.models import Q
from django.utils.translation import gettext as _

from ledger.models import Account, Transfer
from partners.models import Participation
from timecredits.errors import NotFound
from timecredits.permissions import Action, require

from .models import PopulationFigure, Programme, ProgrammeRole


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


# --- reports: imported populations, and the programmes running or taken part in ---


def population_figures(*, programme):
    """The populations imported for a programme, as a QuerySet to sum by area or age band."""
    return PopulationFigure.objects.filter(programme=programme)


def programmes_running(*, start, end):
    """The programmes running on any day from `start` to `end` (dates), oldest first."""
    return (
        Programme.objects.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by("pk")
    )


def organisation_programmes(*, organisation):
    """The programmes an organisation takes part in, its participation approved."""
    return Programme.objects.filter(
        participation__organisation=organisation, participation__status="approved"
    )
