"""Background jobs for the ledger, run by django-q2; each is safe to run twice."""

from .services import holds_expire, month_ends_keep
from .verify import ledger_verify_and_record


def expire_overdue_holds() -> int:
    return holds_expire()


def verify_ledger() -> bool:
    return ledger_verify_and_record().ok


def keep_month_ends() -> int:
    return month_ends_keep()
