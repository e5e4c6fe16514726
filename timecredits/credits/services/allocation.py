"""A programme's issuance: allocating credits from it to a group's budget (an `allocate`
transfer; `accounts.py` opens the accounts). The programme decides who may be funded; this is where
the credits move."""

from ledger import services as ledger
from ledger.kinds import TransferKind
from ledger.selectors import issuance_account, organisation_account


def allocation_post(
    *, actor, programme, organisation, minutes: int, reason: str, idempotency_key: str
):
    """Fund the group from one of the programme's issuance shards, once per key (scoped to the
    programme and the admin who sent it)."""
    return ledger.transfer_post(
        debit=issuance_account(programme=programme, spread_by=organisation.pk),
        credit=organisation_account(organisation=organisation),
        amount=minutes,
        kind=TransferKind.ALLOCATE,
        idempotency_key=f"allocation:{programme.pk}:{actor.pk}:{idempotency_key}",
        cause_type="programme",
        cause_id=programme.pk,
        memo=reason[:500],
        posted_by=actor,
    )
