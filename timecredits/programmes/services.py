"""Writes about programmes: the credit policy and reporting threshold its admins set."""

from django.db import transaction

from timecredits.errors import Invalid
from timecredits.permissions import Action, require

from .models import Programme

POLICY_FIELDS = {
    "minutes_per_credit": (1, 24 * 60),
    "rounding_minutes": None,
    "daily_cap_minutes": (1, 24 * 60),
    "expiry_months": (1, 120),
    "report_threshold": (2, 100),
}
NULLABLE = {"daily_cap_minutes", "expiry_months"}


@transaction.atomic
def programme_update_policy(*, actor, programme: Programme, **changes) -> Programme:
    require(actor, Action.PROGRAMME_EDIT, programme=programme)
    problems = []
    for field, value in changes.items():
        if field not in POLICY_FIELDS:
            problems.append({"field": field, "message": "This is not part of the credit policy."})
        elif value is None:
            if field not in NULLABLE:
                problems.append({"field": field, "message": "This needs a value."})
        elif field == "rounding_minutes":
            if value not in (1, 15, 30, 60):
                problems.append({"field": field, "message": "Round to 1, 15, 30 or 60 minutes."})
        else:
            low, high = POLICY_FIELDS[field]
            if not low <= value <= high:
                problems.append({"field": field, "message": f"Use a number from {low} to {high}."})
    if problems:
        raise Invalid("Some details need another look.", detail=problems)
    for field, value in changes.items():
        setattr(programme, field, value)
    programme.save(update_fields=list(changes) or None)
    return programme
