"""Use cases of the outcomes: a programme's (its page, printable page, downloads and the API's)
and an organisation's own. Each loads what it needs, checks permission once and returns what
the caller renders."""

from timecredits.programmes.selectors import programme_get

from ..exports import Download, outcomes_download
from ..outcomes.selectors import presented
from .outputs import organisation_reader, programme_reader


def _programme_outcomes(
    *, actor, programme_id, period_start, period_end, organisation_id=None, area=""
):
    programme, organisation = programme_reader(
        actor=actor, programme_id=programme_id, organisation_id=organisation_id
    )
    report = presented.programme_outcomes_report(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        area=area,
    )
    return programme, organisation, report


def programme_outcomes_report(**asked) -> dict:
    """A programme's outcomes with disclosure control, for its admins and commissioners.
    `asked`: actor, programme_id, period_start, period_end, and optionally organisation_id and
    area."""
    _, _, report = _programme_outcomes(**asked)
    return report


def programme_outcomes_download(*, format: str, name: str, **asked) -> Download:
    """`programme_outcomes_report` as `name`.csv or `name`.xlsx."""
    programme, organisation, report = _programme_outcomes(**asked)
    return outcomes_download(
        report,
        format=format,
        name=name,
        programme_name=programme.name,
        organisation_name=organisation.name if organisation is not None else "",
    )


def programme_outcomes_page(
    *, actor, programme_id: int, period=None, organisation_id=None, area=""
) -> dict:
    """What the programme's outcomes pages show: the programme and, while the page's filter is
    valid (`period` is its first and last day), the organisation filtered on and the outcomes."""
    if period is None:
        programme = programme_reader(actor=actor, programme_id=programme_id)[0]
        return {"programme": programme, "organisation": None, "report": None}
    programme, organisation, report = _programme_outcomes(
        actor=actor,
        programme_id=programme_id,
        period_start=period[0],
        period_end=period[1],
        organisation_id=organisation_id,
        area=area,
    )
    return {"programme": programme, "organisation": organisation, "report": report}


def _organisation_outcomes(*, actor, organisation_id, programme_id=None, **asked):
    organisation, programme = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id
    )
    report = presented.organisation_outcomes_report(
        organisation=organisation, programme=programme, **asked
    )
    return organisation, report


def organisation_outcomes_report(**asked) -> dict:
    """One organisation's own outcomes in a programme, unsuppressed, for its own staff.
    `asked`: actor, organisation_id, period_start, period_end, and optionally programme_id and
    area."""
    _, report = _organisation_outcomes(**asked)
    return report


def organisation_outcomes_download(*, format: str, name: str, **asked) -> Download:
    """`organisation_outcomes_report` as `name`.csv or `name`.xlsx."""
    organisation, report = _organisation_outcomes(**asked)
    return outcomes_download(
        report,
        format=format,
        name=name,
        programme_name=programme_get(programme_id=report["programme_id"]).name,
        organisation_name=organisation.name,
    )
