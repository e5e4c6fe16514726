"""Use cases of the outputs: a programme's report (its page, printable page, downloads and the
API's) and an organisation's own. Each loads what it needs, checks permission once and returns
what the caller renders: the report's data, or with a `download` format the file itself."""

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.selectors import is_approved_in, organisation_get
from timecredits.errors import Invalid, NotFound
from timecredits.permissions import Action, require
from timecredits.programmes.selectors import programme_get

from ..dashboard import compared_with
from ..exports import Download, report_download
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
    if organisation is not None and not is_approved_in(
        organisation=organisation, programme=programme
    ):
        # Its figures here would be all zeros, read as "did nothing".
        raise Invalid(
            _("Choose an organisation that takes part in this programme."),
            detail={"field": "organisation"},
        )
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


def programme_read(read, *, actor, programme_id: int, organisation_id=None, **asked):
    """The programme, the organisation filtered on and what `read(programme=, organisation=,
    **asked)` gives, for someone allowed to read the programme's reports."""
    programme, organisation = programme_reader(
        actor=actor, programme_id=programme_id, organisation_id=organisation_id
    )
    return programme, organisation, read(programme=programme, organisation=organisation, **asked)


def programme_download(read, *, of: str, download: str = "", name: str = "", **asked):
    """What `read` gives (see `programme_read`), or with a `download` format ("csv" or "xlsx")
    the file `name` of that report (`of`: "outputs" or "outcomes")."""
    programme, organisation, report = programme_read(read, **asked)
    if download:
        return report_download(
            report,
            of=of,
            format=download,
            name=name,
            programme=programme,
            organisation=organisation,
        )
    return report


def programme_page(
    read, *, of: str, actor, programme_id: int, period=None, download: str = "", **filters
):
    """What a programme's report pages show: the programme and, while the page's filter is valid
    (`period` is its first and last day), the organisation filtered on and what `read` gives; or
    the `download` asked for, named after `of` and the period."""
    if period is None:
        programme, _ = programme_reader(actor=actor, programme_id=programme_id)
        return {"programme": programme, "organisation": None, "report": None}
    start, end = period
    asked = {
        "actor": actor,
        "programme_id": programme_id,
        "period_start": start,
        "period_end": end,
        **filters,
    }
    if download:
        name = f"{of}-{programme_id}-{start}-{end}"
        return programme_download(read, of=of, download=download, name=name, **asked)
    programme, organisation, report = programme_read(read, **asked)
    return {"programme": programme, "organisation": organisation, "report": report}


def programme_report(*, download: str = "", name: str = "", **asked) -> dict | Download:
    """A programme's outputs with disclosure control, for its admins and commissioners; with a
    `download` format ("csv" or "xlsx"), as the file `name`. `asked`: actor, programme_id,
    period_start, period_end, and optionally organisation_id, activity_type, area and
    demographics."""
    return programme_download(
        presented.programme_report, of="outputs", download=download, name=name, **asked
    )


def programme_outputs_page(
    *, actor, programme_id: int, period=None, download: str = "", trend=False, **filters
) -> dict | Download:
    """What the programme's report pages show: the programme and, while the page's filter is
    valid (`period` is its first and last day), the organisation filtered on, the report and,
    with `trend`, the twelve months to the period's last, suppressed with its headline, and the
    same report for the period of the same length before (`previous`, suppressed the same way,
    with `since`, its words); or the `download` asked for."""
    page = programme_page(
        presented.programme_report,
        of="outputs",
        actor=actor,
        programme_id=programme_id,
        period=period,
        download=download,
        **filters,
    )
    if isinstance(page, Download):
        return page
    page["trend"] = page["previous"] = None
    if trend and period is not None:
        start, end = period
        before, page["since"] = compared_with(start, end, today=timezone.localdate())
        page["previous"] = presented.programme_report(
            programme=page["programme"],
            period_start=before[0],
            period_end=before[1],
            organisation=page["organisation"],
            **{k: v for k, v in filters.items() if k != "organisation_id"},
        )
        filters.pop("organisation_id", None)
        page["trend"] = programme_trend(
            programme=page["programme"],
            last_month=end,
            period_start=start,
            headline=_shown(page["report"]),
            before=(*before, _shown(page["previous"])),
            organisation=page["organisation"],
            **filters,
        )
    return page


def _shown(report: dict) -> dict:
    return {f["key"]: f["value"] for f in report["figures"]}


def organisation_report(*, actor, organisation_id: int, programme_id=None, **asked) -> dict:
    """One organisation's own outputs in a programme, for its own staff (see
    `presented.organisation_report`). `asked`:
    period_start, period_end, and optionally activity_type, area and demographics."""
    organisation, programme = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id
    )
    return presented.organisation_report(organisation=organisation, programme=programme, **asked)


def organisation_outputs_page(
    *, actor, organisation_id: int, programme_id=None, period=None, download="", **filters
) -> dict | Download:
    """What an organisation's own report page shows: the organisation, the programme it is about
    (an unknown programme id is ignored) and, while the page's filter is valid, the report and
    the same for the period of the same length before (`previous`, with `since`); or its
    `download`."""
    organisation, asked = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id, strict=False
    )
    programme = presented.organisation_programme(organisation=organisation, programme=asked)
    page = {"organisation": organisation, "programme": programme, "report": None}
    if period is None:
        return page
    start, end = period
    page["report"] = presented.organisation_report(
        organisation=organisation,
        programme=programme,
        period_start=start,
        period_end=end,
        **filters,
    )
    if download:
        name = f"our-figures-{organisation.pk}-{start}-{end}"
        return report_download(page["report"], format=download, name=name)
    before, page["since"] = compared_with(start, end, today=timezone.localdate())
    page["previous"] = presented.organisation_report(
        organisation=organisation,
        programme=programme,
        period_start=before[0],
        period_end=before[1],
        **filters,
    )
    return page
