"""What a negative test compares before and after: every account's totals and the transfers."""

from ledger.models import Account, Transfer
from timecredits.spending.models import Redemption


def snapshot():
    return {
        "accounts": list(
            Account.objects.order_by("pk").values_list(
                "pk", "debits_pending", "debits_posted", "credits_pending", "credits_posted"
            )
        ),
        "transfers": Transfer.objects.count(),
        "redemptions": list(Redemption.objects.order_by("pk").values_list("pk", "status")),
    }
