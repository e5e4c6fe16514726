"""The ledger's typed errors with stable codes; `api/errors.py` maps them to 409 and 422."""

from timecredits.errors import Conflict, Invalid


class LedgerConflict(Conflict):
    """The request is well formed but the ledger's state refuses it."""


class InsufficientCredit(LedgerConflict):
    code = "insufficient_credit"
    message = "There are not enough credits for that."


class IdempotencyConflict(LedgerConflict):
    code = "idempotency_conflict"
    message = "That idempotency key was already used for a different request."


class AlreadyReversed(LedgerConflict):
    code = "already_reversed"
    message = "That transfer has already been reversed."


class NotReversible(LedgerConflict):
    code = "not_reversible"
    message = "Only a posted transfer can be reversed; correct a reversal with an adjustment."


class AccountClosed(LedgerConflict):
    code = "account_closed"
    message = "That account is closed."


class AccountNotEmpty(LedgerConflict):
    code = "account_not_empty"
    message = "An account can only be closed once its balance is zero and nothing is on hold."


class HoldResolved(LedgerConflict):
    code = "hold_resolved"
    message = "That hold has already been posted, released or has timed out."


class HoldExpired(LedgerConflict):
    code = "hold_expired"
    message = "That hold has timed out and its credits are released."


class InvalidTransfer(Invalid):
    code = "invalid_transfer"
    message = "That transfer is not valid."
