"""The ledger benchmark's load: funded floored accounts, and workloads that post for real."""

import random

from django.db.models import Sum

from ledger import load
from ledger.models import Account, Transfer
from ledger.verify import ledger_verify
from tests.factories import ProgrammeFactory


def test_accounts_are_opened_funded_and_each_workload_posts_what_it_says(db):
    programme = ProgrammeFactory()
    load.floored_accounts_open(count=12, minutes=600)
    posted = {}

    for phase in load.WORKLOADS:
        post = load.workload(
            phase, rng=random.Random(phase), index=0, clients=2, programme_id=programme.pk, batch=3
        )
        posted[phase] = post() + post()

    members = Account.objects.filter(name__startswith=load.MEMBER_PREFIX)
    assert members.count() == 12
    assert Transfer.objects.filter(kind="adjust").aggregate(total=Sum("amount")) == {
        "total": 12 * 600
    }
    assert posted == {"random_pairs": 2, "hot_issuance": 2, "batch": 6}
    assert Transfer.objects.filter(kind="gift").count() == 2
    assert Transfer.objects.filter(kind="earn", cause_type="contribution").count() == 8
    assert ledger_verify().problems == []
