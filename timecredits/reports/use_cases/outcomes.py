"""Use cases of the outcomes: a programme's (its page, printable page, downloads and the API's)
and an organisation's own (the API's). Each loads what it needs, checks permission once and
returns what the caller renders: the outcomes' data, or with a `download` format the file."""

from timecredits.programmes.selectors import programme_get

from ..exports import Download, report_download
from ..outcomes.selectors import presented
from .outputs import organisation_reader, programme_download, programme_page


def programme_outcomes_report(*, download: str = "", name: str = "", **asked) -> dict | Download:
    """A programme's outcomes with disclosure control, for its admins and commissioners; with a
    `download` format ("csv" or "xlsx"), as the file `name`. `asked`: actor, programme_id,
    period_start, period_end, and optionally organisation_id and area."""
    return programme_download(
        presented.programme_outcomes_report, of="outcomes", download=download, name=name, **asked
    )


def programme_outcomes_page(**page) -> dict | Download:
    """What the programme's outcomes pages show (see `programme_page`). `page`: actor,
    programme_id, period, download, and the filters organisation_id and area."""
    return programme_page(presented.programme_outcomes_report, of="outcomes", **page)


def organisation_outcomes_report(
    *, actor, organisation_id: int, programme_id=None, download="", name="", **asked
) -> dict | Download:
    """One organisation's own outcomes in a programme, suppressed, for its own staff; with a
    `download` format, as the file `name`. `asked`: period_start, period_end, and optionally
    area."""
    organisation, programme = organisation_reader(
        actor=actor, organisation_id=organisation_id, programme_id=programme_id
    )
    report = presented.organisation_outcomes_report(
        organisation=organisation, programme=programme, **asked
    )
    if not download:
        return report
    return report_download(
        report,
        of="outcomes",
        format=download,
        name=name,
        programme=programme_get(programme_id=report["programme_id"]),
        organisation=organisation,
    )
