"""Writes about programmes: the credit policy its admins set, the credits they allocate, and the
population figures they import for reach (a CSV with the columns area, age_band (optional,
blank for all ages), population and source (optional); each import replaces the last, whole)."""

import csv
import io
import re

from django.db import transaction
from django.utils.translation import gettext as _

from partners.selectors import participation_approved
from timecredits.credits.services.allocation import allocation_post
from timecredits.db import claim
from timecredits.errors import Invalid, Problems
from timecredits.members.selectors import AgeBand
from timecredits.numbers import without_thousands
from timecredits.text import CONTROL

from .models import PopulationFigure, Programme

POLICY_FIELDS = {
    "minutes_per_credit": (1, 24 * 60),
    "rounding_minutes": None,
    "daily_cap_minutes": (1, 24 * 60),
    "expiry_months": (1, 120),
    "report_threshold": (2, 100),
}
NULLABLE = {"daily_cap_minutes", "expiry_months"}


@transaction.atomic
def programme_update_policy(*, programme: Programme, **changes) -> Programme:
    problems = Problems()
    for field, value in changes.items():
        if field not in POLICY_FIELDS:
            problems.add(field, _("This is not part of the credit policy."))
        elif value is None:
            if field not in NULLABLE:
                problems.add(field, _("This needs a value."))
        elif field == "rounding_minutes":
            if value not in (1, 15, 30, 60):
                problems.add(field, _("Round to 1, 15, 30 or 60 minutes."))
        else:
            low, high = POLICY_FIELDS[field]
            if not low <= value <= high:
                problems.add(
                    field, _("Use a number from %(low)s to %(high)s.") % {"low": low, "high": high}
                )
    problems.raise_if_any()
    # The cap and the step are checked against each other as they stand now: two changes sent
    # at once (one the cap, one the step) each passed against the other's old value.
    programme.refresh_from_db(from_queryset=Programme.objects.select_for_update(no_key=True))
    cap = changes.get("daily_cap_minutes", programme.daily_cap_minutes)
    step = changes.get("rounding_minutes", programme.rounding_minutes)
    if cap is not None and step and cap < step:
        problems.add(
            "daily_cap_minutes",
            _(
                "Time given is rounded to %(step)s minutes, so a day's cap under that would let "
                "no one earn a credit."
            )
            % {"step": step},
        )
        problems.raise_if_any()
    for field, value in changes.items():
        setattr(programme, field, value)
    programme.save(update_fields=list(changes) or None)
    return programme


MAX_ALLOCATION_CREDITS = 100_000


def credits_allocate(
    *, actor, programme: Programme, organisation, credits: int, reason: str, idempotency_key: str
):
    """Fund a group's budget from the programme's issuance: an `allocate` transfer.

    The key comes from the caller (an API client's Idempotency-Key, a form's hidden token), so
    sending the same allocation twice funds the group once.
    """
    problems = Problems()
    taking_part = participation_approved(programme=programme, organisation=organisation)
    if not taking_part or not organisation.gives_credits:
        problems.add("organisation", _("Choose an approved group in this programme."))
    if not isinstance(credits, int) or not 1 <= credits <= MAX_ALLOCATION_CREDITS:
        problems.add(
            "credits",
            _("Allocate from 1 to %(max)s credits.") % {"max": f"{MAX_ALLOCATION_CREDITS:,}"},
        )
    reason = (reason or "").strip()
    if not reason:
        problems.add("reason", _("Say what the credits are for."))
    problems.raise_if_any()
    return allocation_post(
        actor=actor,
        programme=programme,
        organisation=organisation,
        minutes=credits * 60,
        reason=reason,
        idempotency_key=idempotency_key,
    )


POPULATION_COLUMNS = ("area", "age_band", "population", "source")
MAX_POPULATION_LINES = 10_000
MAX_POPULATION_BYTES = 1_000_000  # callers read at most one byte more, so a big file is refused


def _population_line(line: int, row: dict, seen: set) -> dict:
    """One CSV line as a figure's fields, or Invalid naming the line and what is wrong."""

    def refuse(field, message):
        raise Invalid(
            _("Line %(line)s: %(message)s") % {"line": line, "message": message},
            detail={"line": line, "field": field, "message": message},
        )

    if None in row:
        refuse("", _("it has more values than the header has columns."))
    area = (row.get("area") or "").strip().upper()
    band = (row.get("age_band") or "").strip()
    population = without_thousands(row.get("population") or "") or ""
    source = (row.get("source") or "").strip()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", area):
        refuse("area", _("give the area as a postcode district (up to 8 characters), e.g. RV1."))
    if band and band not in AgeBand.values:
        refuse(
            "age_band",
            _("the age band must be blank or one of %(bands)s.") % {"bands": ", ".join(AgeBand)},
        )
    if (
        not (population.isascii() and population.isdigit())
        or int(population) == 0
        or int(population) > 2**31 - 1
    ):
        refuse("population", _("the population must be a whole number above 0."))
    if CONTROL.search(source):
        refuse("source", _("Text cannot contain control characters."))
    if len(source) > 200:
        refuse("source", _("the source must be at most 200 characters."))
    if (area, band) in seen:
        refuse(
            "area",
            _("%(area)s %(band)s appears on an earlier line too.")
            % {"area": area, "band": band or _("all ages")},
        )
    seen.add((area, band))
    return {"area": area, "age_band": band, "population": int(population), "source": source}


def _unreadable(line: int, error: csv.Error) -> Invalid:
    return Invalid(
        _("Line %(line)s: this is not readable as CSV (%(error)s).")
        % {"line": line, "error": error},
        detail={"line": line},
    )


def population_import(*, programme: Programme, data: bytes) -> list[PopulationFigure]:
    """Replace the programme's population figures with the CSV's, all or nothing."""
    if len(data) > MAX_POPULATION_BYTES:
        raise Invalid(
            _("Upload at most %(max)s bytes at a time.") % {"max": f"{MAX_POPULATION_BYTES:,}"}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("Save the file as CSV in UTF-8 and upload it again.")) from None
    # Universal newlines: Excel for Mac's "CSV (Macintosh)" ends lines with a bare \r.
    reader = csv.DictReader(io.StringIO(text, newline=None))
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise _unreadable(1, error) from None
    missing = {"area", "population"} - set(header)
    unknown = set(header) - set(POPULATION_COLUMNS)
    if missing or unknown or len(set(header)) != len(header):
        raise Invalid(
            _(
                "Line 1 must name the columns: area, age_band (optional), population, "
                "source (optional)."
            ),
            detail={"line": 1, "missing": sorted(missing), "unknown": sorted(unknown)},
        )
    reader.fieldnames = header
    seen, figures = set(), []
    try:
        for row in reader:
            if not any(isinstance(v, str) and v.strip() for v in row.values()):
                continue
            if len(figures) == MAX_POPULATION_LINES:
                raise Invalid(
                    _("Import at most %(max)s lines at a time.")
                    % {"max": f"{MAX_POPULATION_LINES:,}"}
                )
            figures.append(_population_line(reader.line_num, row, seen))
    except csv.Error as error:
        raise _unreadable(reader.line_num, error) from None
    if not figures:
        raise Invalid(_("Line 2: the file has no figures below its header."), detail={"line": 2})
    with transaction.atomic():
        # One import at a time per programme: two at once each deleted what the other had not
        # yet written, and the second's figures then broke the table's one-per-cell rule (a
        # 500 for a double submit; found by fuzzing the API).
        claim("population", str(programme.pk))
        PopulationFigure.objects.filter(programme=programme).delete()
        return PopulationFigure.objects.bulk_create(
            PopulationFigure(programme=programme, **figure) for figure in figures
        )
