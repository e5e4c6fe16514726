"""The credits facade: the one way credits are posted (gifts and donations, retirement, expiry,
allocation), the only code outside the ledger that calls its services."""

from ledger.services import MAX_AMOUNT as MAX_AMOUNT  # the most one transfer moves
