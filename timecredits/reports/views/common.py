"""What the reports' pages share: the filter as the use cases take it, the query strings of a
page's downloads, and a presented report laid out in full for the printable pages."""

from ..disclosure import REASONS
from ..exports import table_lines
from ..outputs.selectors.figures import DEMOGRAPHICS

DOWNLOADS = ("csv", "xlsx")


def period(form):
    """The form's (first day, last day), or None while it is not valid."""
    return form.cleaned_data["bounds"] if form.is_valid() else None


def filters(form, *, names=("activity_type", "area"), demographics=True) -> dict:
    """The report's filters as the page's valid form gives them; the period is apart."""
    organisation = form.cleaned_data.get("organisation")
    found = {key: form.cleaned_data.get(key) for key in names}
    if "organisation" in form.fields:
        found["organisation_id"] = organisation.pk if organisation is not None else None
    if demographics:
        found["demographics"] = {name: form.cleaned_data[name] for name in DEMOGRAPHICS}
    return found


def queries(request) -> dict:
    """The page's own query string for its printable page and its downloads."""
    query = request.GET.copy()
    query.pop("format", None)
    found = {"print_query": query.urlencode()}
    for download in DOWNLOADS:
        query["format"] = download
        found[f"{download}_query"] = query.urlencode()
    return found


def download_format(request) -> str:
    """The download the page is asked for, if any."""
    asked = request.GET.get("format", "")
    return asked if asked in DOWNLOADS else ""


def printable(report: dict, about: list, *, reasons: dict = REASONS) -> dict:
    """What `reports/_report_body.html` needs to show a presented report in full."""
    for table in report["tables"]:
        table["lines"] = table_lines(table)
    return {"report": report, "about": about, "reasons": reasons.items()}
