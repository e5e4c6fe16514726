"""Writes about programmes: the credit policy its admins set, and the credits they allocate."""

from django.db import transaction

from ledger.models import Transfer
from ledger.selectors import issuance_account, organisation_account
from ledger.services import transfer_post
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


MAX_ALLOCATION_CREDITS = 100_000


def credits_allocate(
    *, actor, programme: Programme, organisation, credits: int, reason: str, idempotency_key: str
) -> Transfer:
    """Fund a group's budget from the programme's issuance: an `allocate` transfer.

    The key comes from the caller (an API client's Idempotency-Key, a form's hidden token), so
    sending the same allocation twice funds the group once.
    """
    from partners.models import Participation

    require(actor, Action.PROGRAMME_CREDITS_ALLOCATE, programme=programme)
    problems = []
    taking_part = Participation.objects.filter(
        programme=programme, organisation=organisation, status=Participation.Status.APPROVED
    ).exists()
    if not taking_part or not organisation.gives_credits:
        problems.append(
            {"field": "organisation", "message": "Choose an approved group in this programme."}
        )
    if not isinstance(credits, int) or not 1 <= credits <= MAX_ALLOCATION_CREDITS:
        problems.append(
            {
                "field": "credits",
                "message": f"Allocate from 1 to {MAX_ALLOCATION_CREDITS:,} credits.",
            }
        )
    reason = (reason or "").strip()
    if not reason:
        problems.append({"field": "reason", "message": "Say what the credits are for."})
    if problems:
        raise Invalid("Some details need another look.", detail=problems)
    return transfer_post(
        debit=issuance_account(programme=programme, spread_by=organisation.pk),
        credit=organisation_account(organisation=organisation),
        amount=credits * 60,
        kind=Transfer.Kind.ALLOCATE,
        idempotency_key=f"allocation:{programme.pk}:{actor.pk}:{idempotency_key}",
        cause_type="programme",
        cause_id=programme.pk,
        memo=reason[:500],
        posted_by=actor,
    )
