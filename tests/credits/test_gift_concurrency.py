"""The daily gift limit holds when one member sends many gifts at once (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import override_settings

from ledger.models import Transfer
from ledger.verify import ledger_verify
from tests.factories import MemberFactory, ProgrammeFactory
from timecredits.credits.errors import DailyGiftLimit
from timecredits.credits.services.gifts import gift_to_member

from .conftest import balance, earn

THREADS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(CREDITS_DAILY_GIFT_LIMIT_MINUTES=180)
def test_ten_gifts_at_once_stay_within_the_daily_limit():
    programme = ProgrammeFactory()
    giver = MemberFactory(programme=programme)
    recipients = [MemberFactory(programme=programme) for _ in range(THREADS)]
    earn(giver, 600)
    outcomes, lock = [], threading.Lock()
    start = threading.Barrier(THREADS)

    def give(recipient):
        start.wait()
        try:
            gift_to_member(
                actor=giver.user, recipient=recipient, minutes=60, idempotency_key=str(recipient.pk)
            )
            outcome = "given"
        except DailyGiftLimit:
            outcome = "limit"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=give, args=(r,)) for r in recipients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["given"] * 3 + ["limit"] * 7
    assert balance(giver) == 420
    assert Transfer.objects.filter(kind="gift").count() == 3
    assert ledger_verify().problems == []
