"""The ledger's typed errors with stable codes; `api/errors.py` maps them to 409 and 422."""

from django.utils.translation import gettext_lazy as _

from timecredits.errors import Conflict, Invalid


class LedgerConflict(Conflict):
    """The request is well formed but the ledger's state refuses it."""


class InsufficientCredit(LedgerConflict):
    code = "insufficient_credit"
    message = _("There are not enough credits for that.")


class IdempotencyConflict(LedgerConflict):
    code = "idempotency_conflict"
    message = _("That idempotency key was already used for a different request.")


class AlreadyReversed(LedgerConflict):
    code = "already_reversed"
    message = _("That transfer has already been reversed.")


class NotReversible(LedgerConflict):
    code = "not_reversible"
    message = _("Only a posted transfer can be reversed; correct a reversal with an adjustment.")


class AccountClosed(LedgerConflict):
    code = "account_closed"
    message = _("That account is closed.")


class AccountNotEmpty(LedgerConflict):
    code = "account_not_empty"
    message = _("An account can only be closed once its balance is zero and nothing is on hold.")


class HoldResolved(LedgerConflict):
    code = "hold_resolved"
    message = _("That hold has already been posted, released or has timed out.")


class HoldExpired(LedgerConflict):
    code = "hold_expired"
    message = _("That hold has timed out and its credits are released.")


class InvalidTransfer(Invalid):
    code = "invalid_transfer"
    message = _("That transfer is not valid.")
