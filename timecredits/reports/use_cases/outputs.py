"""Use cases of the outputs: a programme's report (its page, printable page, downloads and the
API's) and an organisation's own. Each loads what it needs, checks permission once and returns
what the caller renders."""

from partners.selectors import organisation_get
from timecredits.errors import NotFound
from timecredits.permissions import Action, require
from timecredits.programmes.selectors import programme_get

from ..exports import Download, outputs_download
from ..outputs.selectors import presented
from ..outputs.selectors.trend import programme_trend


def programme_reader(*, actor, programme_id: int, organisation_id: int | None = None):
    """The programme and the organisation filtered on (each a 404 if there is none), for someone
    allowed to read the programme's reports."""
    programme = programme_get(programme_id=programme_id)
    organisation = (
        None if organisation_id is None else organisation_get(organisation_id=organisation_id)
    )
    require(actor, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    return programme, organisation


def organisation_reader(*, actor, organisation_id: int, programme_id: int | None, strict=True):
    """The organisation (a 404 if there is none) and the programme asked about, for its own staff.
    An unknown programme is a 404 when `strict`, else as if none was asked for (the page's)."""
    organisation = organisation_get(organisation_id=organisation_id)
    programme = None
    try:
        programme = None if programme_id is None else programme_get(programme_id=programme_id)
    except NotFound:
        if strict:
            raise
    require(actor, Action.ORGANISATION_REPORTS_VIEW, organisation=organisation)
    return organisation, programme


def _report(*, actor, programme_id, period_start, period_end, organisation_id=None, **filters):
    programme, organisation = programme_reader(
        actor=actor, programme_id=programme_id, organisation_id=organisation_id
    )
    report = presented.programme_report(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        **filters,
    )
    return programme, organisation, report


def programme_report(**asked) -> dict:
    """A programme's outputs with disclosure control (the API's), for the programme's admins
    and commissioners. `asked`: actor, programme_id, period_start, period_end, and optionally
    organisation_id, activity_type, area and demographics."""
    _, _, report = _report(**asked)
    return report


def programme_report_download(*, format: str, name: str, **asked) -> Download:
    """`programme_report` as `name`.csv or `name`.xlsx."""
    programme, organisation, report = _report(**asked)
    return outputs_download(
        report,
        format=format,
        name=name,
        programme_name=programme.name,
        organisation_name=organisation.name if organisation is not None else "",
    )


def programme_outputs_page(
    *, actor, programme_id: int, period=None, organisation_id=None, trend=False, **filters
) -> dict:
    """What the programme's report page shows: the programme and, while the page's filter is
    valid (`period` is its first and last day), the organisation filtered on, the report and,
    with `trend`, the twelve months to the period's last, suppressed with its headline."""
    page = {"programme": None, "organisation": None, "report": None, "trend": None}
    if period is None:
        page["programme"], _ = programme_reader(actor=actor, programme_id=programme_id)
        return page
    start, end = period
    page["programme"], page["organisation"], report = _report(
        actor=actor,
        programme_id=programme_id,
        period_start=start,
        period_end=end,
        organisation_id=organisation_id,
        **filters,
    )
    page["report"] = report
    if trend:
        page["trend"] = programme_trend(
            programme=page["programme"],
            last_month=end,
            period_start=start,
            headline={f["key"]: f["value"] for f in report["figures"]},
            organisation=page["organisation"],
            **filters,
        )
    return page


def organisation_report(
    *, actor, organisation_id: int, programme_id=None, strict=True, **asked
) -> dict:
    """One organisation's own outputs in a programme, unsuppressed, for its own staff. `asked`:
    period_start, period_end, and optionally activity_type, area and demographics."""
    organisation, programme = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id, strict=strict
    )
    return presented.organisation_report(organisation=organisation, programme=programme, **asked)


def organisation_outputs_page(
    *, actor, organisation_id: int, programme_id=None, period=None, **filters
) -> dict:
    """What an organisation's own report page shows: the organisation, the programme it is about
    and, while the page's filter is valid, the report. An unknown programme id is ignored."""
    organisation, asked = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id, strict=False
    )
    programme = presented.organisation_programme(organisation=organisation, programme=asked)
    report = None
    if period is not None:
        report = presented.organisation_report(
            organisation=organisation,
            programme=programme,
            period_start=period[0],
            period_end=period[1],
            **filters,
        )
    return {"organisation": organisation, "programme": programme, "report": report}


def organisation_report_download(*, name: str, **asked) -> Download:
    """The organisation's own report page's CSV, as `name`.csv (`organisation_report`'s, an
    unknown programme id ignored as on the page)."""
    report = organisation_report(strict=False, **asked)
    return outputs_download(report, format="csv", name=name, programme_name="")
