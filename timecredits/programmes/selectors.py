"""Reads about programmes: the credits their admins have allocated to groups."""

from ledger.models import Account, Transfer

from .models import Programme


def programme_allocations(*, programme: Programme, limit: int = 50) -> list[Transfer]:
    """The latest allocations from the programme's issuance, newest first."""
    return list(
        Transfer.objects.filter(
            kind=Transfer.Kind.ALLOCATE,
            debit_account__programme=programme,
            debit_account__kind=Account.Kind.ISSUANCE,
        )
        .select_related("credit_account__organisation")
        .order_by("-pk")[:limit]
    )
