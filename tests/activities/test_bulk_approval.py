"""Approving a coordinator's selection at once: each contribution in the path a single approval
takes, credits posted exactly once, permission checked once, and what cannot be approved left as
it was with the reason."""

import threading
import time

import pytest
from django.db import connection, transaction

from ledger.models import Transfer
from ledger.verify import ledger_verify
from partners.models import StaffMembership
from partners.services.organisations import staff_remove
from tests.activities.test_verification import (
    balance_of_member,
    coordinator_of,
    earnings,
    pending,
    session_with_budget,
)
from tests.factories import FinishedSessionFactory, StaffMembershipFactory
from timecredits.activities.models import Contribution, ContributionEvent
from timecredits.activities.use_cases import verification as use_cases
from timecredits.errors import Invalid, PermissionDenied

pytestmark = pytest.mark.django_db


def statuses():
    return dict(Contribution.objects.values_list("pk", "status"))


def test_bulk_approval_posts_each_contributions_credits_once():
    session = FinishedSessionFactory()
    first, second = pending(session, minutes=90), pending(session, minutes=30)
    coordinator = coordinator_of(session)
    organisation_id = session.activity.organisation_id

    done = use_cases.contributions_approve(
        actor=coordinator, organisation_id=organisation_id, contribution_ids=[first.pk, second.pk]
    )
    again = use_cases.contributions_approve(
        actor=coordinator, organisation_id=organisation_id, contribution_ids=[first.pk, second.pk]
    )

    assert [c.pk for c in done.approved] == [first.pk, second.pk]
    assert (done.already, done.refused) == ([], [])
    assert [c.pk for c in again.already] == [first.pk, second.pk]
    assert (again.approved, again.refused) == ([], [])
    assert statuses() == {first.pk: "approved", second.pk: "approved"}
    assert [t.amount for t in earnings(first)] == [90]
    assert [t.amount for t in earnings(second)] == [30]
    assert Transfer.objects.filter(kind="earn").count() == 2
    assert (balance_of_member(first.member), balance_of_member(second.member)) == (90, 30)
    assert ledger_verify().problems == []


def test_the_same_id_twice_in_one_selection_is_approved_once():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=60)

    done = use_cases.contributions_approve(
        actor=coordinator_of(session),
        organisation_id=session.activity.organisation_id,
        contribution_ids=[contribution.pk, contribution.pk],
    )

    assert [c.pk for c in done.approved] == [contribution.pk]
    assert [t.amount for t in earnings(contribution)] == [60]


@pytest.mark.parametrize("who", ["other_coordinator", "member", "venue_staff"])
def test_someone_who_does_not_verify_here_is_refused_and_nothing_changes(who):
    session = FinishedSessionFactory()
    first, second = pending(session, minutes=90), pending(session, minutes=30)
    actor = {
        "other_coordinator": lambda: (
            StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user
        ),
        "member": lambda: first.member.user,
        "venue_staff": lambda: (
            StaffMembershipFactory(
                organisation=session.activity.organisation, role=StaffMembership.Role.VENUE_STAFF
            ).user
        ),
    }[who]()

    with pytest.raises(PermissionDenied):
        use_cases.contributions_approve(
            actor=actor,
            organisation_id=session.activity.organisation_id,
            contribution_ids=[first.pk, second.pk],
        )

    assert statuses() == {first.pk: "pending", second.pk: "pending"}
    assert not Transfer.objects.filter(kind="earn").exists()
    assert not ContributionEvent.objects.exists()


def test_a_mix_approves_the_valid_and_leaves_the_rest_as_they_were_saying_why():
    session, elsewhere = FinishedSessionFactory(), FinishedSessionFactory()
    valid = pending(session, minutes=90)
    approved_before = pending(session, minutes=60)
    rejected = pending(session, minutes=45)
    theirs = pending(elsewhere, minutes=30)
    coordinator = coordinator_of(session)
    organisation_id = session.activity.organisation_id
    use_cases.contribution_approve(actor=coordinator, contribution_id=approved_before.pk)
    use_cases.contribution_reject(actor=coordinator, contribution_id=rejected.pk, reason="No")
    events_before = ContributionEvent.objects.count()

    done = use_cases.contributions_approve(
        actor=coordinator,
        organisation_id=organisation_id,
        contribution_ids=[theirs.pk, valid.pk, approved_before.pk, rejected.pk, 999_999],
    )

    assert [c.pk for c in done.approved] == [valid.pk]
    assert [c.pk for c in done.already] == [approved_before.pk]
    assert [(pk, c.pk if c else None, why) for pk, c, why in done.refused] == [
        (theirs.pk, None, "This is not time given at your sessions."),
        (rejected.pk, rejected.pk, "Only contributions waiting for verification can be decided."),
        (999_999, None, "This is not time given at your sessions."),
    ]
    assert statuses() == {
        valid.pk: "approved",
        approved_before.pk: "approved",
        rejected.pk: "rejected",
        theirs.pk: "pending",
    }
    assert [t.amount for t in earnings(valid)] == [90]
    assert [t.amount for t in earnings(approved_before)] == [60]
    assert earnings(theirs) == earnings(rejected) == []
    assert ContributionEvent.objects.count() == events_before + 1
    assert ledger_verify().problems == []


def test_an_exhausted_budget_refuses_what_it_cannot_pay_and_approves_what_it_can():
    session = session_with_budget(100)
    first, second = pending(session, minutes=90), pending(session, minutes=30)

    done = use_cases.contributions_approve(
        actor=coordinator_of(session),
        organisation_id=session.activity.organisation_id,
        contribution_ids=[first.pk, second.pk],
    )

    assert [c.pk for c in done.approved] == [first.pk]
    assert [(pk, why) for pk, _c, why in done.refused] == [
        (
            second.pk,
            "Your group has no credits left to give for this. Ask your programme to allocate "
            "more, then approve again.",
        )
    ]
    assert statuses() == {first.pk: "approved", second.pk: "pending"}
    assert earnings(second) == []
    assert ContributionEvent.objects.filter(contribution=second).count() == 0


def test_an_empty_selection_is_refused():
    session = FinishedSessionFactory()

    with pytest.raises(Invalid, match="Choose the time to approve first"):
        use_cases.contributions_approve(
            actor=coordinator_of(session),
            organisation_id=session.activity.organisation_id,
            contribution_ids=[],
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_removed_while_approving_a_selection_approves_nothing_after_it():
    # The role was checked once, before the selection: approvals went on committing, in the
    # removed coordinator's name, for seconds after the removal.
    session = FinishedSessionFactory()
    waiting = [pending(session, minutes=30) for _ in range(3)]
    role = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    )
    admin = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.ORG_ADMIN
    ).user
    removed, failures = threading.Event(), []

    def remove():
        # The removal is written, and held uncommitted for a moment while the approval starts.
        try:
            with transaction.atomic():
                staff_remove(membership=role, removed_by=admin)
                removed.set()
                time.sleep(0.5)
        except Exception as error:
            failures.append(repr(error))
            removed.set()
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    removed.wait(timeout=30)
    try:
        done = use_cases.contributions_approve(
            actor=role.user,
            organisation_id=session.activity.organisation_id,
            contribution_ids=[c.pk for c in waiting],
        )
    except PermissionDenied:
        done = None  # on a slow machine the removal committed before the selection's first check
    remover.join()

    assert failures == []
    if done is not None:
        assert done.approved == []
        assert [(pk, reason) for pk, _, reason in done.refused] == [
            (c.pk, "You do not have a role that allows this here.") for c in waiting
        ]
    assert set(statuses().values()) == {"pending"}
    assert Transfer.objects.filter(kind="earn").count() == 0
