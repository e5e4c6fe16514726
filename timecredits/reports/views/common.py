"""What the reports' pages share: the period and filters of a page's form as the use cases take
them, a programme's page asked for with its form, the download asked for, the query strings of a
page's downloads, and a presented report laid out in full for the printable pages."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from timecredits.errors import Invalid

from ..disclosure import REASONS
from ..exports import table_lines
from ..forms import DEMOGRAPHIC_LABELS

DOWNLOADS = ("csv", "xlsx")


def asked(form) -> dict:
    """The period (None while the form is not valid) and the filters it gives: the organisation
    chosen (if the form offers one), the form's `filters`, and (if it filters `by_demographics`)
    the demographic answers."""
    if not form.is_valid():
        return {"period": None}
    found = {"period": form.cleaned_data["bounds"]}
    if "organisation" in form.fields:
        organisation = form.cleaned_data["organisation"]
        found["organisation_id"] = organisation.pk if organisation is not None else None
    found |= {key: form.cleaned_data.get(key) for key in form.filters}
    if form.by_demographics:
        found["demographics"] = {name: form.cleaned_data[name] for name in DEMOGRAPHIC_LABELS}
    return found


def filters(request) -> dict:
    """The filters a report page is asked for: this month until the reader asks for another
    period (a download link from the page as first shown names only its format)."""
    asked = request.GET.copy()
    asked.setdefault("period", "month")
    return asked


def programme_page(request, form_class, use_case, programme_id: int, **options):
    """A programme's report page: its filter (see `filters`) and what `use_case` gives for it,
    asked with `options` and the form's filters."""
    form = form_class(filters(request), programme=programme_id)
    page = use_case(actor=request.user, programme_id=programme_id, **options, **asked(form))
    return form, page


def download(request, offered=DOWNLOADS) -> str:
    """The download the page is asked for, if it offers it."""
    format = request.GET.get("format", "")
    return format if format in offered else ""


def queries(request) -> dict:
    """The page's own query string for its printable page and its downloads."""
    query = request.GET.copy()
    query.pop("format", None)
    found = {"print_query": query.urlencode()}
    for format in DOWNLOADS:
        query["format"] = format
        found[f"{format}_query"] = query.urlencode()
    return found


def printable(report: dict, about: list, *, reasons: dict = REASONS) -> dict:
    """What `reports/_report_body.html` needs to show a presented report in full: each table's
    lines, and why each hidden figure is hidden, in words (`reasons` names the report's)."""
    for table in report["tables"]:
        table["lines"] = table_lines(table)
    for figure in report["figures"]:
        figure["why"] = gettext(reasons.get(figure["suppressed"], figure["suppressed"] or ""))
    return {"report": report, "about": about}


def period_refused(request, form, name: str, programme_id: int):
    """A printable report asked for with a period that is not one (reversed, out of range):
    a 400 saying what is wrong, as the report's filters would, with the way back to the
    report's page with the same query."""
    problems = [str(m) for errors in form.errors.values() for m in errors]
    query = request.GET.urlencode()
    return render(
        request,
        "error.html",
        {
            "error": Invalid(
                " ".join(problems) or gettext("Choose a month, a quarter, or both dates.")
            ),
            "back": reverse(name, args=[programme_id]) + (f"?{query}" if query else ""),
            "back_label": gettext("Back to the report"),
        },
        status=400,
    )
