"""What programme admins do, for pages and API alike: the credit policy, organisations applying
and being approved, allocations to groups, and population figures. Each use case takes the acting
user and ids, checks permission once, loads what it needs and returns what the caller renders."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ledger.selectors import programme_allocations
from partners.selectors import organisation_get, programme_groups, programme_participations
from partners.services.organisations import organisation_apply as application_create
from partners.services.organisations import participation_decide as participation_set
from timecredits.errors import Invalid
from timecredits.permissions import Action, permitted_programme, require

from . import services
from .models import Programme
from .selectors import population_figures, programme_get, programme_list


@dataclass(frozen=True)
class AdminPage:
    """A programme's admin page: its organisations, latest allocations and fundable groups."""

    programme: Programme
    participations: object
    allocations: list
    groups: object


def programmes_list(*, actor) -> list[Programme]:
    return list(programme_list())


def programme_show(*, actor, programme_id: int) -> Programme:
    return programme_get(programme_id=programme_id)


def programme_update_policy(*, actor, programme_id: int, **changes) -> Programme:
    programme = permitted_programme(actor, Action.PROGRAMME_EDIT, programme_id)
    return services.programme_update_policy(programme=programme, **changes)


def _admin_page(programme: Programme) -> AdminPage:
    return AdminPage(
        programme=programme,
        participations=programme_participations(programme=programme).order_by(
            "status", "organisation__name"
        ),
        allocations=programme_allocations(programme=programme, limit=10),
        groups=programme_groups(programme=programme),
    )


def programme_admin_page(*, actor, programme_id: int) -> AdminPage:
    """The admin page, for those who edit the programme's policy."""
    programme = permitted_programme(actor, Action.PROGRAMME_EDIT, programme_id)
    return _admin_page(programme)


def allocation_page(*, actor, programme_id: int) -> AdminPage:
    """The same page, for those who allocate credits (shown again when an allocation is
    refused)."""
    programme = permitted_programme(actor, Action.PROGRAMME_CREDITS_ALLOCATE, programme_id)
    return _admin_page(programme)


def credits_allocate(*, actor, programme_id: int, organisation_id: int, **allocation):
    """Fund a group from the programme's issuance; the transfer posted (once per key).
    `allocation` is the credits, reason and idempotency_key, as `services.credits_allocate` takes
    them."""
    programme = permitted_programme(actor, Action.PROGRAMME_CREDITS_ALLOCATE, programme_id)
    organisation = organisation_get(organisation_id=organisation_id)
    return services.credits_allocate(
        actor=actor, programme=programme, organisation=organisation, **allocation
    )


def organisation_apply(*, actor, programme_id: int, **details):
    """Someone registers their organisation and applies to join the programme."""
    return application_create(
        actor=actor, programme=programme_get(programme_id=programme_id), **details
    )


def participations_list(*, actor, programme_id: int, status: str | None = None):
    """The organisations in a programme with their approval, for those who review them."""
    programme = permitted_programme(actor, Action.PROGRAMME_ORGANISATIONS_REVIEW, programme_id)
    return programme_participations(programme=programme, status=status)


def participation_decide(
    *, actor, programme_id: int, organisation_id: int, decision: str, shown: str | None = None
):
    """Approve or decline an organisation's application (`decision`: "approve" or "decline");
    the participation, decided. Any other decision is refused and changes nothing, as is one
    made on a page that showed another status (`shown`) than the application has now."""
    programme = programme_get(programme_id=programme_id)
    organisation = organisation_get(organisation_id=organisation_id)
    require(actor, Action.PROGRAMME_ORGANISATIONS_REVIEW, programme=programme)
    if decision not in ("approve", "decline"):
        raise Invalid(_("Choose approve or decline."))
    return participation_set(
        actor=actor,
        programme=programme,
        organisation=organisation,
        approve=decision == "approve",
        shown=shown,
    )


@dataclass(frozen=True)
class PopulationPage:
    programme: Programme
    figures: object


def population_page(*, actor, programme_id: int) -> PopulationPage:
    programme = permitted_programme(actor, Action.PROGRAMME_EDIT, programme_id)
    return PopulationPage(programme=programme, figures=population_figures(programme=programme))


def population_import(*, actor, programme_id: int, file) -> list:
    """Replace the programme's population figures with an uploaded CSV's, all or nothing. Only
    one byte more than the limit is read, so a big file is refused without reading it all."""
    programme = permitted_programme(actor, Action.PROGRAMME_EDIT, programme_id)
    return services.population_import(
        programme=programme, data=file.read(services.MAX_POPULATION_BYTES + 1)
    )
