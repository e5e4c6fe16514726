"""The demo data: each group's budget allocated and each approved contribution earned, once."""

from django.db.models import Sum

from ledger.models import Transfer
from ledger.selectors import account_balance, member_account
from ledger.verify import ledger_verify
from timecredits.activities.models import Contribution
from timecredits.members.models import Member
from timecredits.ops.demo import DEMO_BUDGET_CREDITS, seed_demo


def test_seeding_twice_allocates_and_earns_once_and_leaves_the_ledger_clean(db):
    seed_demo()
    transfers = Transfer.objects.count()

    seed_demo()

    approved = Contribution.objects.filter(status=Contribution.Status.APPROVED)
    assert Transfer.objects.count() == transfers
    assert Transfer.objects.filter(kind=Transfer.Kind.ALLOCATE).aggregate(total=Sum("amount")) == {
        "total": 3 * DEMO_BUDGET_CREDITS * 60
    }
    assert Transfer.objects.filter(kind=Transfer.Kind.EARN).count() == approved.count()
    amira = Member.objects.get(user__username="amira")
    assert (
        account_balance(account=member_account(member=amira)).posted
        == (approved.filter(member=amira).aggregate(total=Sum("minutes"))["total"])
    )
    assert ledger_verify().problems == []
