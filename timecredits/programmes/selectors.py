"""Reads about programmes: the programmes themselves, who holds a role in them, and the
population figures reports measure reach against."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from timecredits.errors import NotFound

from .models import PopulationFigure, Programme, ProgrammeRole


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


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.all()


def programmes_with_expiry() -> QuerySet[Programme]:
    """Programmes whose credits expire after a time unused."""
    return Programme.objects.filter(expiry_months__isnull=False)


def population_figures(*, programme: Programme) -> QuerySet[PopulationFigure]:
    """The populations imported for a programme, as a QuerySet to sum by area or age band."""
    return PopulationFigure.objects.filter(programme=programme)


# --- members: a person's programme roles, and the programme people join ---
PROGRAMME_ROLE_LABELS = dict(ProgrammeRole.Role.choices)


def user_programme_roles(*, user):
    """Every programme the user holds a role in, with the role."""
    return ProgrammeRole.objects.filter(user=user).select_related("programme")


def programme_newest() -> Programme | None:
    """The programme the join page offers: the one that started last."""
    return Programme.objects.order_by("-starts_on").first()


def programme_by_slug(*, slug: str) -> Programme | None:
    return Programme.objects.filter(slug=slug).first()


# --- reports: the programmes running or taken part in ---
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
