"""The ledger's vocabulary: kinds of account, kinds of transfer and the phases of a hold. Other apps
name them from here (through the ledger's selectors and the credits services) without touching
the ledger's tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    MEMBER = "member", _("Member")
    ORGANISATION = "organisation", _("Organisation")
    ISSUANCE = "issuance", _("Programme issuance")
    POOL = "pool", _("Programme pool")
    RETIREMENT = "retirement", _("Retired credits")
    EXPIRY = "expiry", _("Expired credits")
    SYSTEM = "system", _("System")


class TransferKind(models.TextChoices):
    EARN = "earn", _("Earned")
    SPEND = "spend", _("Spent")
    GIFT = "gift", _("Gift")
    DONATE = "donate", _("Donation")
    ALLOCATE = "allocate", _("Allocation")
    RETIRE = "retire", _("Retired")
    EXPIRE = "expire", _("Expired")
    REVERSE = "reverse", _("Reversal")
    ADJUST = "adjust", _("Adjustment")


class TransferPhase(models.TextChoices):
    """A single transfer posts at once; a hold is pending until posted, voided or timed out."""

    SINGLE = "single", _("Posted")
    PENDING = "pending", _("Hold")
    POST = "post", _("Hold posted")
    VOID = "void", _("Hold released")
    TIMEOUT = "timeout", _("Hold timed out")


# --- spend: the largest amount one transfer moves, which API schemas bound amounts by ---
# A million credits in one transfer is already absurd; the bound keeps every total in a bigint.
MAX_AMOUNT = 60 * 1_000_000
