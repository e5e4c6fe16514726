"""Check-ins, check-outs, approvals and gifts from 16 threads at once (PostgreSQL): no error
reaches anyone, every idempotency key is applied once, and the ledger adds up. Issue 12,
finding 1."""

import datetime
import random

import pytest
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from ledger.models import Account, Transfer
from ledger.selectors import organisation_account
from ledger.verify import ledger_verify
from partners.models import StaffMembership
from tests.credits.conftest import balance, earn
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from tests.racing import race
from timecredits.activities import tokens
from timecredits.activities.models import Contribution
from timecredits.activities.services import checkins
from timecredits.activities.use_cases import verification as use_cases
from timecredits.credits.services.gifts import gift_to_member

MEMBERS = 8
OPENING = 600
BUDGET = 100 * 60
EARNED = 60  # each contribution: an hour, at 60 minutes a credit


def _world():
    programme = ProgrammeFactory()
    group = approved_organisation(programme, auto_approve_checkins=True)
    activity = ActivityFactory(programme=programme, organisation=group)
    now = SessionFactory(activity=activity, credit_rule="fixed", fixed_minutes=60, capacity=20)
    yesterday = SessionFactory(
        activity=activity, starts_at=timezone.now() - datetime.timedelta(days=1, hours=1)
    )
    members = [MemberFactory(programme=programme) for _ in range(MEMBERS)]
    for member in members:
        earn(member, OPENING)
    coordinators = [
        StaffMembershipFactory(organisation=group, role=StaffMembership.Role.COORDINATOR).user
        for _ in range(4)
    ]
    pending = checkins.attendance_add(
        actor=coordinators[0], session=yesterday, members=members, minutes=60
    )
    return group, now, members, coordinators, pending


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(CREDITS_DAILY_GIFT_LIMIT_MINUTES=OPENING)
def test_sixteen_threads_of_checkins_approvals_and_gifts_apply_each_key_once():
    group, session, members, coordinators, pending = _world()
    poster = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    gifts = []  # (giver, recipient, minutes, key) for every gift sent, replays included

    def gift(giver, recipient, minutes, key):
        gifts.append((giver, recipient, minutes, key))
        return lambda: gift_to_member(
            actor=giver.user, recipient=recipient, minutes=minutes, idempotency_key=key
        )

    def steps(calls):
        return lambda: [call() for call in calls]

    threads = []
    # A member each: check in, give to two others (once repeated), check in again, check out.
    for i, member in enumerate(members):
        threads.append(
            steps(
                [
                    lambda m=member: checkins.checkin_by_token(member=m, token=poster),
                    gift(member, members[(i + 1) % MEMBERS], 5, f"door-{i}"),
                    gift(member, members[(i + 3) % MEMBERS], 7, f"door-{i}-b"),
                    gift(member, members[(i + 1) % MEMBERS], 5, f"door-{i}"),
                    lambda m=member: checkins.checkin_by_token(member=m, token=poster),
                    lambda m=member: checkins.checkout(member=m),
                ]
            )
        )
    # Four coordinators approve all of yesterday's time, each in their own order.
    for seed, coordinator in enumerate(coordinators):
        order = random.Random(seed).sample(pending, len(pending))
        threads.append(
            steps(
                [
                    lambda c=c, who=coordinator: use_cases.contribution_approve(
                        actor=who, contribution_id=c.pk
                    )
                    for c in order
                ]
            )
        )
    # Four pairs gift each other back and forth; all four send one same request too.
    for k in range(4):
        one, other = members[2 * k], members[2 * k + 1]
        calls = [gift(members[6], members[7], 11, "shared")]
        for n in range(6):
            giver, recipient = (one, other) if n % 2 else (other, one)
            calls.append(gift(giver, recipient, 3 + n, f"pair-{k}-{n}"))
        threads.append(steps(calls))
    assert len(threads) == 16

    outcomes = race(threads)

    assert [code for code, _ in outcomes] == ["ok"] * 16
    # Each gift key was applied once, whoever sent it and however often.
    sent = {(g.pk, key): (g, r, minutes) for g, r, minutes, key in gifts}
    posted = Transfer.objects.filter(kind="gift")
    assert sorted(posted.values_list("idempotency_key", flat=True)) == sorted(
        f"gift:{giver_pk}:{key}" for giver_pk, key in sent
    )
    # Every contribution, yesterday's and today's, approved and earned exactly once.
    contributions = Contribution.objects.all()
    assert contributions.count() == 2 * MEMBERS
    assert set(contributions.values_list("status", flat=True)) == {"approved"}
    earned = Transfer.objects.filter(kind="earn", cause_type="contribution")
    assert sorted(earned.values_list("cause_id", flat=True)) == sorted(
        contributions.values_list("pk", flat=True)
    )
    assert set(earned.values_list("amount", flat=True)) == {EARNED}
    assert not earned.values("cause_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Balances are exactly what the requests asked for.
    expected = {m.pk: OPENING + 2 * EARNED for m in members}
    for giver, recipient, minutes in sent.values():
        expected[giver.pk] -= minutes
        expected[recipient.pk] += minutes
    assert {m.pk: balance(m) for m in members} == expected
    assert organisation_account(organisation=group).balance == (BUDGET - 2 * MEMBERS * EARNED)
    assert Account.objects.filter(debits_pending__gt=0).count() == 0
    assert ledger_verify().problems == []
