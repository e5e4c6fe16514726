"""Verifying contributions: approve, adjust, reject, undo, approve a whole session, auto-approval.

Approval and its `earn` transfer go together or not at all; every step is in the audit trail.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import formats, timezone

from ledger.models import Transfer
from ledger.selectors import account_balance, member_account, organisation_account
from ledger.services import account_close
from ledger.verify import ledger_verify
from partners.models import Participation, StaffMembership
from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SessionFactory,
    StaffMembershipFactory,
    fund,
)
from tests.racing import race
from timecredits.activities import tokens
from timecredits.activities.errors import (
    GroupBudgetExhausted,
    MemberClosed,
    NotDecidable,
    NotGivenYet,
    OwnTime,
)
from timecredits.activities.models import Contribution, ContributionEvent
from timecredits.activities.services import checkins
from timecredits.activities.use_cases import verification as use_cases
from timecredits.credits.services import earning
from timecredits.errors import Invalid, PermissionDenied
from timecredits.members.models import Member
from timecredits.members.services import member_close
from timecredits.notifications.models import Notification

pytestmark = pytest.mark.django_db

BUDGET = 100 * 60  # what approved_organisation gives a group


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def pending(session, *, minutes=90, member=None, method="manual", **flags):
    """Time waiting for verification, as a check-out or the attendance list leaves it."""
    return Contribution.objects.create(
        member=member or MemberFactory(programme=session.activity.programme),
        session=session,
        method=method,
        status=Contribution.Status.PENDING,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at + datetime.timedelta(minutes=minutes),
        minutes=minutes,
        **flags,
    )


def balance_of_member(member) -> int:
    return account_balance(account=member_account(member=member)).posted


def balance_of_group(session) -> int:
    account = organisation_account(organisation=session.activity.organisation)
    return account_balance(account=account).posted


def earnings(contribution):
    return list(
        Transfer.objects.filter(
            kind="earn", cause_type="contribution", cause_id=contribution.pk
        ).order_by("pk")
    )


def session_with_budget(minutes, **session_fields):
    """A session of a group whose programme gave it `minutes` to spend on earnings."""
    programme = ProgrammeFactory()
    organisation = OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=organisation, status="approved")
    fund(organisation, programme, minutes=minutes)
    return FinishedSessionFactory(
        activity=ActivityFactory(programme=programme, organisation=organisation), **session_fields
    )


def events(contribution):
    return list(
        ContributionEvent.objects.filter(contribution=contribution).values_list(
            "actor",
            "action",
            "from_status",
            "to_status",
            "minutes_before",
            "minutes_after",
            "reason",
        )
    )


# Approve


def test_approving_posts_one_earn_transfer_from_the_group_to_the_member():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)

    approved = use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)

    (earned,) = Transfer.objects.filter(kind="earn")
    assert earned.debit_account == organisation_account(organisation=session.activity.organisation)
    assert earned.credit_account == member_account(member=contribution.member)
    assert (earned.amount, earned.cause_type, earned.cause_id) == (90, "contribution", approved.pk)
    assert earned.posted_by == coordinator
    contribution.refresh_from_db()
    assert (contribution.status, contribution.decided_by) == ("approved", coordinator)
    assert contribution.decided_at is not None
    assert balance_of_member(contribution.member) == 90
    assert balance_of_group(session) == BUDGET - 90
    assert ledger_verify().problems == []


def test_approving_again_posts_nothing_more():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)

    again = use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
    # The page's form always sends the minutes it shows: the same minutes are no adjustment.
    same = use_cases.contribution_approve(
        actor=coordinator, contribution_id=contribution.pk, minutes=90
    )

    assert (again.status, same.status) == ("approved", "approved")
    assert len(earnings(contribution)) == 1
    assert Transfer.objects.filter(kind="earn").count() == 1
    assert [e[1] for e in events(contribution)] == ["approved"]
    assert balance_of_member(contribution.member) == 90
    assert balance_of_group(session) == BUDGET - 90


def test_credits_follow_the_programmes_minutes_per_credit():
    session = FinishedSessionFactory()
    programme = session.activity.programme
    programme.minutes_per_credit = 30  # half an hour of help earns a credit (60 ledger minutes)
    programme.save()
    contribution = pending(session, minutes=90)

    use_cases.contribution_approve(actor=coordinator_of(session), contribution_id=contribution.pk)

    assert [t.amount for t in earnings(contribution)] == [180]
    assert balance_of_member(contribution.member) == 180


def test_the_status_change_and_the_transfer_happen_together(monkeypatch):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)

    def ledger_down(**_):
        raise RuntimeError("the ledger is down")

    monkeypatch.setattr(earning, "transfer_post_many", ledger_down)

    with pytest.raises(RuntimeError):
        use_cases.contribution_approve(
            actor=coordinator_of(session), contribution_id=contribution.pk
        )

    contribution.refresh_from_db()
    assert (contribution.status, contribution.decided_by, contribution.decided_at) == (
        "pending",
        None,
        None,
    )
    assert events(contribution) == []
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_zero_minutes_are_approved_without_a_transfer():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=0)

    approved = use_cases.contribution_approve(
        actor=coordinator_of(session), contribution_id=contribution.pk
    )

    assert approved.status == "approved"
    assert Transfer.objects.filter(kind="earn").count() == 0


# Adjust


def test_adjusting_needs_a_reason_and_changes_nothing_without_one():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)

    with pytest.raises(Invalid) as refused:
        use_cases.contribution_approve(
            actor=coordinator_of(session), contribution_id=contribution.pk, minutes=60, reason="  "
        )

    assert refused.value.detail == [{"field": "reason", "message": "Say why the time is changed."}]
    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("pending", 90)
    assert events(contribution) == []
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_adjusting_records_the_minutes_before_and_after_and_earns_the_new_minutes():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)

    approved = use_cases.contribution_approve(
        actor=coordinator, contribution_id=contribution.pk, minutes=60, reason="Left early"
    )

    assert (approved.status, approved.minutes) == ("approved", 60)
    assert events(contribution) == [
        (coordinator.pk, "adjusted", "pending", "pending", 90, 60, "Left early"),
        (coordinator.pk, "approved", "pending", "approved", None, 60, ""),
    ]
    assert [t.amount for t in earnings(contribution)] == [60]
    assert balance_of_member(contribution.member) == 60
    assert balance_of_group(session) == BUDGET - 60


@pytest.mark.parametrize("minutes", [-1, 121, 24 * 60])
def test_minutes_outside_the_session_are_refused(minutes):
    session = FinishedSessionFactory()  # two hours long
    contribution = pending(session, minutes=90)

    with pytest.raises(Invalid) as refused:
        use_cases.contribution_approve(
            actor=coordinator_of(session),
            contribution_id=contribution.pk,
            minutes=minutes,
            reason="x",
        )

    assert refused.value.detail[0]["field"] == "minutes"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("pending", 90)
    assert events(contribution) == []
    assert Transfer.objects.filter(kind="earn").count() == 0


@pytest.mark.parametrize(("minutes", "earned"), [(0, []), (120, [120])])
def test_minutes_at_the_edges_of_the_session_are_accepted(minutes, earned):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)

    approved = use_cases.contribution_approve(
        actor=coordinator_of(session),
        contribution_id=contribution.pk,
        minutes=minutes,
        reason="Edge",
    )

    assert (approved.status, approved.minutes) == ("approved", minutes)
    assert [t.amount for t in earnings(contribution)] == earned


# Reject


def test_rejecting_needs_a_reason():
    session = FinishedSessionFactory()
    contribution = pending(session)

    with pytest.raises(Invalid):
        use_cases.contribution_reject(
            actor=coordinator_of(session), contribution_id=contribution.pk, reason=" "
        )

    contribution.refresh_from_db()
    assert contribution.status == "pending"
    assert events(contribution) == []


def test_rejecting_again_moments_later_is_the_same_rejection_and_anyone_else_is_refused():
    """A double tap on Reject answered 'Only contributions waiting for verification can be
    decided' after the rejection had gone through."""
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    reject = use_cases.contribution_reject

    reject(actor=coordinator, contribution_id=contribution.pk, reason="Not at this session")
    again = reject(actor=coordinator, contribution_id=contribution.pk, reason="Not at this session")

    assert again.status == "rejected"
    assert [e[1] for e in events(contribution)] == ["rejected"]
    assert Notification.objects.filter(member=contribution.member).count() == 1
    with pytest.raises(NotDecidable):
        reject(actor=coordinator_of(session), contribution_id=contribution.pk, reason="No")


def test_a_rejected_contribution_posts_nothing():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)

    rejected = use_cases.contribution_reject(
        actor=coordinator, contribution_id=contribution.pk, reason="Not at this session"
    )

    assert (rejected.status, rejected.decided_by) == ("rejected", coordinator)
    assert events(contribution) == [
        (coordinator.pk, "rejected", "pending", "rejected", None, 90, "Not at this session")
    ]
    assert Transfer.objects.filter(kind="earn").count() == 0
    assert balance_of_member(contribution.member) == 0
    assert balance_of_group(session) == BUDGET


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("approve", "reject"),
        ("approve", "adjust"),
        ("reject", "approve"),
        # ("reject", "reject") by the same coordinator is a replay: see the test above.
        ("reject", "adjust"),
    ],
)
def test_deciding_a_decided_contribution_is_refused_and_changes_nothing(first, then):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    decide = {
        "approve": lambda: use_cases.contribution_approve(
            actor=coordinator, contribution_id=contribution.pk
        ),
        "adjust": lambda: use_cases.contribution_approve(
            actor=coordinator, contribution_id=contribution.pk, minutes=30, reason="Shorter"
        ),
        "reject": lambda: use_cases.contribution_reject(
            actor=coordinator, contribution_id=contribution.pk, reason="No"
        ),
    }
    decide[first]()
    contribution.refresh_from_db()
    before = (contribution.status, contribution.minutes, contribution.decided_at)
    transfers_before = list(Transfer.objects.values_list("pk", flat=True))
    events_before = events(contribution)

    with pytest.raises(NotDecidable) as refused:
        decide[then]()

    assert refused.value.code == "not_pending"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes, contribution.decided_at) == before
    assert list(Transfer.objects.values_list("pk", flat=True)) == transfers_before
    assert events(contribution) == events_before


def test_an_open_checkin_cannot_be_decided():
    session = FinishedSessionFactory()
    contribution = Contribution.objects.create(
        member=MemberFactory(programme=session.activity.programme),
        session=session,
        method="poster",
        checked_in_at=session.starts_at,
    )

    with pytest.raises(NotDecidable):
        use_cases.contribution_approve(
            actor=coordinator_of(session), contribution_id=contribution.pk
        )

    contribution.refresh_from_db()
    assert contribution.status == "checked_in"
    assert Transfer.objects.filter(kind="earn").count() == 0


# Undo


def test_undoing_an_approval_reverses_the_earning_and_the_time_waits_again():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
    (earned,) = earnings(contribution)

    undone = use_cases.contribution_unapprove(
        actor=coordinator, contribution_id=contribution.pk, reason="Approved the wrong person"
    )

    assert (undone.status, undone.decided_by, undone.decided_at) == ("pending", None, None)
    (reversal,) = Transfer.objects.filter(kind="reverse")
    assert reversal.reverses == earned
    assert (reversal.debit_account_id, reversal.credit_account_id, reversal.amount) == (
        earned.credit_account_id,
        earned.debit_account_id,
        90,
    )
    assert (reversal.cause_type, reversal.cause_id) == ("contribution", contribution.pk)
    assert balance_of_member(contribution.member) == 0
    assert balance_of_group(session) == BUDGET
    assert events(contribution)[-1] == (
        coordinator.pk,
        "unapproved",
        "approved",
        "pending",
        None,
        90,
        "Approved the wrong person",
    )
    assert ledger_verify().problems == []


def _notes(member) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(member=member).order_by("pk").values_list("title", "body")
    )


def test_the_member_is_told_when_their_credits_are_taken_back_or_their_time_rejected():
    """Their note that they earned stays: without a word, it overstates what they hold."""
    session = FinishedSessionFactory()
    contribution, other = pending(session, minutes=90), pending(session, minutes=60)
    coordinator = coordinator_of(session)
    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
    day = formats.date_format(timezone.localtime(session.starts_at))
    title = session.activity.title

    use_cases.contribution_unapprove(
        actor=coordinator, contribution_id=contribution.pk, reason="Approved the wrong person"
    )
    use_cases.contribution_reject(
        actor=coordinator, contribution_id=other.pk, reason="Not at this session"
    )

    assert _notes(contribution.member)[1:] == [
        (
            "1.5 credits taken back",
            f"Your time at {title} on {day} waits to be looked at again. The reason given: "
            "Approved the wrong person",
        )
    ]
    assert _notes(other.member) == [
        (
            f"Your time at {title} on {day} was not approved",
            "The reason given: Not at this session",
        )
    ]


def test_approving_after_an_undo_posts_a_new_earning_so_the_member_is_credited_once():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
    use_cases.contribution_unapprove(
        actor=coordinator, contribution_id=contribution.pk, reason="Oops"
    )

    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)

    first, second = earnings(contribution)
    assert first.pk != second.pk
    assert first.idempotency_key != second.idempotency_key
    assert second.amount == 90
    assert Transfer.objects.filter(kind="reverse", reverses=first).count() == 1
    assert Transfer.objects.filter(kind="reverse", reverses=second).count() == 0
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert balance_of_member(contribution.member) == 90
    assert balance_of_group(session) == BUDGET - 90
    assert ledger_verify().problems == []


def test_undo_twice_and_approve_twice_leaves_one_standing_earning():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)
    for _ in range(2):
        use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
        use_cases.contribution_unapprove(
            actor=coordinator, contribution_id=contribution.pk, reason="x"
        )

    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)

    assert len(earnings(contribution)) == 3
    assert Transfer.objects.filter(kind="reverse").count() == 2
    assert balance_of_member(contribution.member) == 90
    assert ledger_verify().problems == []


def test_undoing_needs_a_reason_and_an_approval():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)

    with pytest.raises(NotDecidable) as not_approved:
        use_cases.contribution_unapprove(
            actor=coordinator, contribution_id=contribution.pk, reason="x"
        )
    use_cases.contribution_approve(actor=coordinator, contribution_id=contribution.pk)
    with pytest.raises(Invalid):
        use_cases.contribution_unapprove(
            actor=coordinator, contribution_id=contribution.pk, reason=""
        )

    assert not_approved.value.code == "not_approved"
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert Transfer.objects.filter(kind="reverse").count() == 0
    assert balance_of_member(contribution.member) == 90


# The group's budget


def test_an_exhausted_budget_refuses_the_approval_and_changes_nothing():
    session = session_with_budget(60)
    contribution = pending(session, minutes=90)

    with pytest.raises(GroupBudgetExhausted) as refused:
        use_cases.contribution_approve(
            actor=coordinator_of(session), contribution_id=contribution.pk
        )

    assert refused.value.code == "group_budget_exhausted"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.decided_by) == ("pending", None)
    assert events(contribution) == []
    assert Transfer.objects.filter(kind="earn").count() == 0
    assert balance_of_member(contribution.member) == 0
    assert balance_of_group(session) == 60


def test_an_exhausted_budget_refuses_an_adjustment_too_and_keeps_the_minutes():
    session = session_with_budget(60)
    contribution = pending(session, minutes=30)

    with pytest.raises(GroupBudgetExhausted):
        use_cases.contribution_approve(
            actor=coordinator_of(session),
            contribution_id=contribution.pk,
            minutes=90,
            reason="Stayed",
        )

    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("pending", 30)
    assert events(contribution) == []
    assert balance_of_group(session) == 60


# Approve a whole session


def test_approve_all_approves_every_pending_contribution_of_the_session_at_once():
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    waiting = [pending(session, minutes=m) for m in (30, 60, 90)]
    still_in = Contribution.objects.create(
        member=MemberFactory(programme=session.activity.programme),
        session=session,
        method="poster",
        checked_in_at=session.starts_at,
    )
    rejected = pending(session, minutes=45)
    use_cases.contribution_reject(actor=coordinator, contribution_id=rejected.pk, reason="No")
    elsewhere = pending(FinishedSessionFactory(activity=session.activity), minutes=60)

    approved = use_cases.session_approve_all(actor=coordinator, session_id=session.pk)

    assert sorted(c.pk for c in approved) == [c.pk for c in waiting]
    assert sorted(Transfer.objects.filter(kind="earn").values_list("cause_id", "amount")) == [
        (c.pk, c.minutes) for c in waiting
    ]
    assert dict(Contribution.objects.values_list("pk", "status")) == {
        **{c.pk: "approved" for c in waiting},
        still_in.pk: "checked_in",
        rejected.pk: "rejected",
        elsewhere.pk: "pending",
    }
    assert {events(c)[-1][:4] for c in waiting} == {
        (coordinator.pk, "approved_all", "pending", "approved")
    }
    assert balance_of_group(session) == BUDGET - 180
    assert ledger_verify().problems == []


def test_approve_all_again_posts_nothing_more():
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    for minutes in (30, 60):
        pending(session, minutes=minutes)
    use_cases.session_approve_all(actor=coordinator, session_id=session.pk)

    again = use_cases.session_approve_all(actor=coordinator, session_id=session.pk)

    assert again == []
    assert Transfer.objects.filter(kind="earn").count() == 2


def test_approve_all_beyond_the_budget_approves_none_of_them():
    session = session_with_budget(100)
    waiting = [pending(session, minutes=60) for _ in range(2)]

    with pytest.raises(GroupBudgetExhausted):
        use_cases.session_approve_all(actor=coordinator_of(session), session_id=session.pk)

    assert [c.status for c in Contribution.objects.filter(pk__in=[c.pk for c in waiting])] == [
        "pending",
        "pending",
    ]
    assert ContributionEvent.objects.count() == 0
    assert Transfer.objects.filter(kind="earn").count() == 0
    assert balance_of_group(session) == 100


def test_approve_all_of_a_500_member_session_posts_500_earnings_in_one_call():
    members = 500
    session = FinishedSessionFactory()
    programme, organisation = session.activity.programme, session.activity.organisation
    fund(organisation, programme, minutes=members * 120)
    waiting = [pending(session, minutes=90 + (n % 4) * 10) for n in range(members)]
    expected = sum(c.minutes for c in waiting)

    approved = use_cases.session_approve_all(actor=coordinator_of(session), session_id=session.pk)

    assert len(approved) == members
    assert Contribution.objects.filter(session=session, status="approved").count() == members
    earned = Transfer.objects.filter(kind="earn", cause_type="contribution")
    assert earned.count() == members
    assert set(earned.values_list("cause_id", flat=True)) == {c.pk for c in waiting}
    assert sum(earned.values_list("amount", flat=True)) == expected
    assert balance_of_group(session) == BUDGET + members * 120 - expected
    assert ContributionEvent.objects.filter(action="approved_all").count() == members
    assert ledger_verify().problems == []


# The audit trail


def test_every_step_is_in_the_audit_trail():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator, organiser = coordinator_of(session), coordinator_of(session)
    started = timezone.now()

    use_cases.contribution_approve(
        actor=coordinator, contribution_id=contribution.pk, minutes=75, reason="Late start"
    )
    use_cases.contribution_unapprove(
        actor=organiser, contribution_id=contribution.pk, reason="Wrong session"
    )
    use_cases.contribution_reject(
        actor=organiser, contribution_id=contribution.pk, reason="Not here"
    )

    assert events(contribution) == [
        (coordinator.pk, "adjusted", "pending", "pending", 90, 75, "Late start"),
        (coordinator.pk, "approved", "pending", "approved", None, 75, ""),
        (organiser.pk, "unapproved", "approved", "pending", None, 75, "Wrong session"),
        (organiser.pk, "rejected", "pending", "rejected", None, 75, "Not here"),
    ]
    moments = list(ContributionEvent.objects.values_list("at", flat=True))
    assert moments == sorted(moments)
    assert all(started <= at <= timezone.now() for at in moments)


# Who may decide


@pytest.mark.parametrize("who", ["other_coordinator", "member", "venue_staff"])
@pytest.mark.parametrize("step", ["approve", "adjust", "reject", "unapprove", "approve_all"])
def test_only_the_sessions_own_coordinators_decide(who, step):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    approved = pending(session, minutes=60)
    use_cases.contribution_approve(actor=coordinator_of(session), contribution_id=approved.pk)
    actor = {
        "other_coordinator": lambda: (
            StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user
        ),
        "member": lambda: contribution.member.user,
        "venue_staff": lambda: (
            StaffMembershipFactory(
                organisation=session.activity.organisation, role=StaffMembership.Role.VENUE_STAFF
            ).user
        ),
    }[who]()
    steps = {
        "approve": lambda: use_cases.contribution_approve(
            actor=actor, contribution_id=contribution.pk
        ),
        "adjust": lambda: use_cases.contribution_approve(
            actor=actor, contribution_id=contribution.pk, minutes=120, reason="More"
        ),
        "reject": lambda: use_cases.contribution_reject(
            actor=actor, contribution_id=contribution.pk, reason="No"
        ),
        "unapprove": lambda: use_cases.contribution_unapprove(
            actor=actor, contribution_id=approved.pk, reason="No"
        ),
        "approve_all": lambda: use_cases.session_approve_all(actor=actor, session_id=session.pk),
    }
    transfers_before = list(Transfer.objects.values_list("pk", flat=True))
    events_before = list(ContributionEvent.objects.values_list("pk", flat=True))

    with pytest.raises(PermissionDenied):
        steps[step]()

    assert dict(Contribution.objects.values_list("pk", "status")) == {
        contribution.pk: "pending",
        approved.pk: "approved",
    }
    assert Contribution.objects.get(pk=contribution.pk).minutes == 90
    assert list(Transfer.objects.values_list("pk", flat=True)) == transfers_before
    assert list(ContributionEvent.objects.values_list("pk", flat=True)) == events_before


# Auto-approval


def auto_approving_session(**session_fields):
    session = FinishedSessionFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=90),
        ends_at=timezone.now() + datetime.timedelta(minutes=30),
        **session_fields,
    )
    organisation = session.activity.organisation
    organisation.auto_approve_checkins = True
    organisation.save()
    return session


def checked_in(session, *, method="poster", at=None, **fields):
    return Contribution.objects.create(
        member=MemberFactory(programme=session.activity.programme),
        session=session,
        method=method,
        checked_in_at=at or session.starts_at,
        **fields,
    )


def test_a_clean_qr_checkin_is_approved_at_checkout_when_the_organisation_allows():
    session = auto_approving_session()
    contribution = checked_in(session, method="kiosk")

    checked_out = checkins.checkout(member=contribution.member)

    assert (checked_out.status, checked_out.minutes, checked_out.decided_by) == (
        "approved",
        90,
        None,
    )
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    (earned,) = earnings(contribution)
    assert (earned.amount, earned.posted_by) == (90, None)
    assert [e[:4] for e in events(contribution)] == [
        (contribution.member.user.pk, "checked_out", "checked_in", "pending"),
        (None, "auto_approved", "pending", "approved"),
    ]
    assert balance_of_member(contribution.member) == 90
    assert ledger_verify().problems == []


def test_a_scan_followed_by_checkout_is_auto_approved_end_to_end():
    session = auto_approving_session()
    member = MemberFactory(programme=session.activity.programme)
    token = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    contribution, _ = checkins.checkin_by_token(member=member, token=token)
    Contribution.objects.filter(pk=contribution.pk).update(
        checked_in_at=timezone.now() - datetime.timedelta(minutes=60)
    )

    checkins.checkout(member=member)

    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("approved", 60)
    assert [e[1] for e in events(contribution)] == [
        "checked_in_poster",
        "checked_out",
        "auto_approved",
    ]
    assert [t.amount for t in earnings(contribution)] == [60]


def test_without_the_organisations_choice_a_clean_checkin_waits():
    session = auto_approving_session()
    organisation = session.activity.organisation
    organisation.auto_approve_checkins = False
    organisation.save()
    contribution = checked_in(session)

    assert checkins.checkout(member=contribution.member).status == "pending"
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_an_automatic_checkout_stays_pending():
    session = FinishedSessionFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    organisation = session.activity.organisation
    organisation.auto_approve_checkins = True
    organisation.save()
    contribution = checked_in(session, method="kiosk")

    assert checkins.checkouts_due() == 1

    contribution.refresh_from_db()
    assert (contribution.status, contribution.auto_checked_out) == ("pending", True)
    assert Transfer.objects.filter(kind="earn").count() == 0


@pytest.mark.parametrize("flag", ["outside_geofence", "over_capacity", "clock_disagreed"])
def test_a_flagged_checkin_stays_pending(flag):
    session = auto_approving_session()
    contribution = checked_in(session, **{flag: True})

    assert checkins.checkout(member=contribution.member).status == "pending"
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_a_capped_checkin_stays_pending():
    session = auto_approving_session()
    programme = session.activity.programme
    programme.daily_cap_minutes = 60
    programme.save()
    contribution = checked_in(session)

    checked_out = checkins.checkout(member=contribution.member)

    assert (checked_out.status, checked_out.minutes, checked_out.capped) == ("pending", 60, True)
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_a_pass_checkin_is_not_auto_approved():
    session = auto_approving_session()
    contribution = checked_in(session, method="pass")

    assert checkins.checkout(member=contribution.member).status == "pending"
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_an_exhausted_budget_leaves_an_auto_approval_pending_and_the_checkout_stands():
    session = session_with_budget(
        30,
        starts_at=timezone.now() - datetime.timedelta(minutes=90),
        ends_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    organisation = session.activity.organisation
    organisation.auto_approve_checkins = True
    organisation.save()
    contribution = checked_in(session, method="kiosk")

    checked_out = checkins.checkout(member=contribution.member)

    assert (checked_out.status, checked_out.minutes, checked_out.decided_by) == (
        "pending",
        90,
        None,
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("pending", 90)
    assert contribution.checked_out_at is not None
    assert [e[1] for e in events(contribution)] == ["checked_out"]
    assert earnings(contribution) == []
    assert balance_of_group(session) == 30


# Concurrency (PostgreSQL)

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_contribution_post_one_earning():
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinators = [coordinator_of(session) for _ in range(THREADS)]
    results, failures = [], []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def approve(n):
        try:
            start.wait()
            # Half send the minutes the page shows, as the web form does; half send none.
            approved = use_cases.contribution_approve(
                actor=coordinators[n],
                contribution_id=contribution.pk,
                minutes=90 if n % 2 else None,
            )
            with lock:
                results.append(approved.status)
        except Exception as error:
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert results == ["approved"] * THREADS
    (earned,) = earnings(contribution)
    assert earned.amount == 90
    assert ContributionEvent.objects.filter(contribution=contribution).count() == 1
    assert balance_of_member(contribution.member) == 90
    assert balance_of_group(session) == BUDGET - 90
    assert ledger_verify().problems == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_all_and_single_approvals_post_each_earning_once():
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    waiting = [pending(session, minutes=30) for _ in range(20)]
    failures = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def decide(n):
        try:
            start.wait()
            if n % 2:
                use_cases.session_approve_all(actor=coordinator, session_id=session.pk)
            else:
                for contribution in waiting[n::2]:
                    use_cases.contribution_approve(
                        actor=coordinator, contribution_id=contribution.pk
                    )
        except Exception as error:
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Contribution.objects.filter(status="approved").count() == 20
    earned = Transfer.objects.filter(kind="earn")
    assert sorted(earned.values_list("cause_id", flat=True)) == sorted(c.pk for c in waiting)
    assert ContributionEvent.objects.count() == 20
    assert balance_of_group(session) == BUDGET - 20 * 30
    assert ledger_verify().problems == []


# A member who closed their account


def closed_before_withdrawal(member):
    """A member closed the way accounts were closed before their time was withdrawn: the
    ledger account is shut but their time still waits."""
    account_close(account=member_account(member=member))
    Member.objects.filter(pk=member.pk).update(closed_at=timezone.now())


def test_closing_an_account_withdraws_the_members_open_and_waiting_time_with_the_reason():
    session = FinishedSessionFactory()
    programme = session.activity.programme
    member = MemberFactory(programme=programme)
    waiting = pending(session, minutes=60, member=member)
    earlier = FinishedSessionFactory(
        activity=session.activity,
        starts_at=session.starts_at - datetime.timedelta(days=2),
        ends_at=session.starts_at - datetime.timedelta(days=2, hours=-2),
    )
    approved = pending(earlier, minutes=30, member=member)
    use_cases.contribution_approve(actor=coordinator_of(session), contribution_id=approved.pk)
    later = FinishedSessionFactory(
        activity=session.activity,
        starts_at=session.starts_at + datetime.timedelta(hours=3),
        ends_at=session.starts_at + datetime.timedelta(hours=5),
    )
    still_in = Contribution.objects.create(
        member=member, session=later, method="poster", checked_in_at=later.starts_at
    )
    someone_else = pending(session, minutes=60)

    member_close(member=member, confirm=True)

    assert dict(Contribution.objects.values_list("pk", "status")) == {
        waiting.pk: "rejected",
        approved.pk: "approved",
        still_in.pk: "rejected",
        someone_else.pk: "pending",
    }
    reason = "The member closed their account."
    assert events(waiting)[-1] == (
        member.user.pk,
        "withdrawn_account_closed",
        "pending",
        "rejected",
        None,
        60,
        reason,
    )
    assert events(still_in)[-1] == (
        member.user.pk,
        "withdrawn_account_closed",
        "checked_in",
        "rejected",
        None,
        0,
        reason,
    )
    assert Transfer.objects.filter(kind="earn").count() == 1
    assert ledger_verify().problems == []


def test_approve_all_leaves_out_a_closed_members_time_and_approves_everyone_else():
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    others = [pending(session, minutes=m) for m in (30, 60)]
    gone = MemberFactory(programme=session.activity.programme)
    left_behind = pending(session, minutes=90, member=gone)
    closed_before_withdrawal(gone)

    approved = use_cases.session_approve_all(actor=coordinator, session_id=session.pk)

    assert sorted(c.pk for c in approved) == [c.pk for c in others]
    assert sorted(Transfer.objects.filter(kind="earn").values_list("cause_id", "amount")) == [
        (c.pk, c.minutes) for c in others
    ]
    left_behind.refresh_from_db()
    assert left_behind.status == "pending"
    assert balance_of_group(session) == BUDGET - 90
    assert ledger_verify().problems == []


def test_approving_a_closed_members_time_is_refused_and_changes_nothing():
    session = FinishedSessionFactory()
    gone = MemberFactory(programme=session.activity.programme)
    left_behind = pending(session, minutes=90, member=gone)
    closed_before_withdrawal(gone)

    with pytest.raises(MemberClosed):
        use_cases.contribution_approve(
            actor=coordinator_of(session), contribution_id=left_behind.pk
        )

    left_behind.refresh_from_db()
    assert (left_behind.status, left_behind.decided_by) == ("pending", None)
    assert events(left_behind) == []
    assert Transfer.objects.filter(kind="earn").count() == 0
    assert balance_of_group(session) == BUDGET


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_an_account_while_its_time_is_approved_never_leaves_rejected_time_credited():
    # Closing read the waiting ids, then locked them, then rejected them without looking again:
    # time approved in between was rejected with its credits standing.
    for _ in range(3):
        _close_while_approving()


def _close_while_approving():
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    member = MemberFactory(programme=session.activity.programme)
    waiting = [pending(session, minutes=30, member=member)] + [
        pending(
            FinishedSessionFactory(
                activity=session.activity,
                starts_at=session.starts_at - datetime.timedelta(days=n),
                ends_at=session.ends_at - datetime.timedelta(days=n),
            ),
            minutes=30,
            member=member,
        )
        for n in (1, 2)
    ]

    race(
        [lambda: member_close(member=Member.objects.get(pk=member.pk), confirm=True)]
        + [
            lambda c=c: use_cases.contribution_approve(actor=coordinator, contribution_id=c.pk)
            for c in waiting
        ]
    )

    for contribution in waiting:
        contribution.refresh_from_db()
        credited = Transfer.objects.filter(
            kind="earn", cause_type="contribution", cause_id=contribution.pk
        ).exists()
        assert (contribution.status, credited) in {("approved", True), ("rejected", False)}
    assert ledger_verify().problems == []


# Time not given yet


def running_session():
    """A two-hour session that started half an hour ago, its whole length added by hand."""
    session = SessionFactory()
    return session, pending(session, minutes=120)


def test_time_that_runs_past_now_cannot_be_approved_yet():
    session, running = running_session()

    with pytest.raises(NotGivenYet) as refused:
        use_cases.contribution_approve(actor=coordinator_of(session), contribution_id=running.pk)

    local_end = timezone.localtime(running.checked_out_at)
    assert refused.value.code == "not_given_yet"
    assert f"{local_end:%H:%M}" in refused.value.message
    running.refresh_from_db()
    assert (running.status, running.decided_by) == ("pending", None)
    assert events(running) == []
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_approve_all_during_a_session_approves_only_the_time_already_given():
    session, running = running_session()
    left_early = pending(session, minutes=20)

    approved = use_cases.session_approve_all(actor=coordinator_of(session), session_id=session.pk)

    assert [c.pk for c in approved] == [left_early.pk]
    running.refresh_from_db()
    assert running.status == "pending"
    assert list(Transfer.objects.filter(kind="earn").values_list("cause_id", "amount")) == [
        (left_early.pk, 20)
    ]


def test_a_claim_cannot_run_past_now():
    session = SessionFactory()  # started half an hour ago, ends in an hour and a half
    member = MemberFactory(programme=session.activity.programme)

    with pytest.raises(Invalid) as refused:
        checkins.claim(member=member, session=session, start=session.starts_at, end=session.ends_at)

    assert [p["field"] for p in refused.value.detail] == ["end"]
    assert not Contribution.objects.filter(member=member).exists()
    # Up to now is time given, and is taken.
    claimed = checkins.claim(
        member=member, session=session, start=session.starts_at, end=timezone.now()
    )
    assert claimed.status == "pending"


# One's own time


def test_a_coordinator_cannot_approve_their_own_time_and_approve_all_leaves_it():
    # A member who was also a group's coordinator added their own attendance and approved it:
    # credits paid with no one else involved.
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    own_member = MemberFactory(programme=session.activity.programme, user=coordinator)
    own = pending(session, minutes=60, member=own_member)
    someone = pending(session, minutes=30)

    with pytest.raises(OwnTime):
        use_cases.contribution_approve(actor=coordinator, contribution_id=own.pk)
    approved = use_cases.session_approve_all(actor=coordinator, session_id=session.pk)

    assert [c.pk for c in approved] == [someone.pk]
    own.refresh_from_db()
    assert own.status == "pending"
    assert balance_of_member(own_member) == 0
    # Another coordinator of the group approves it.
    use_cases.contribution_approve(actor=coordinator_of(session), contribution_id=own.pk)
    assert balance_of_member(own_member) == 60
