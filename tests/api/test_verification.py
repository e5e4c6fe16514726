"""Verifying contributions through the API and on the coordinator's page: the same rules, the one
error shape, and nothing changed by a refusal."""

import datetime

import pytest

from ledger.models import Transfer
from ledger.selectors import account_balance, member_account, organisation_account
from ledger.verify import ledger_verify
from partners.models import Participation, StaffMembership
from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
    fund,
)
from timecredits.activities.models import Contribution, ContributionEvent

pytestmark = pytest.mark.django_db

BUDGET = 100 * 60  # what approved_organisation gives a group


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def pending(session, *, minutes=90, **fields):
    return Contribution.objects.create(
        member=MemberFactory(programme=session.activity.programme),
        session=session,
        method="manual",
        status=Contribution.Status.PENDING,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at + datetime.timedelta(minutes=minutes),
        minutes=minutes,
        **fields,
    )


def balances(contribution):
    member = account_balance(account=member_account(member=contribution.member)).posted
    group = account_balance(
        account=organisation_account(organisation=contribution.session.activity.organisation)
    ).posted
    return member, group


def snapshot():
    """Everything a refused decision must leave as it was."""
    return (
        list(Contribution.objects.order_by("pk").values_list("pk", "status", "minutes")),
        list(Transfer.objects.values_list("pk", flat=True)),
        list(ContributionEvent.objects.values_list("pk", flat=True)),
    )


def post(client, path, body=None, headers=None):
    return client.post(
        f"/api/v1{path}", body or {}, content_type="application/json", headers=headers or {}
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "detail"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


# Approve, adjust, reject, undo


def test_approve_posts_the_earning_and_approving_again_posts_nothing_more(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    headers = bearer_for(coordinator_of(session))

    first = post(client, f"/contributions/{contribution.pk}/approve", headers=headers)
    again = post(client, f"/contributions/{contribution.pk}/approve", headers=headers)
    same_minutes = post(
        client, f"/contributions/{contribution.pk}/approve", {"minutes": 90}, headers=headers
    )

    assert [r.status_code for r in (first, again, same_minutes)] == [200, 200, 200]
    assert (first.json()["id"], first.json()["status"], first.json()["minutes"]) == (
        contribution.pk,
        "approved",
        90,
    )
    (earned,) = Transfer.objects.filter(kind="earn")
    assert (earned.amount, earned.cause_type, earned.cause_id) == (
        90,
        "contribution",
        contribution.pk,
    )
    assert balances(contribution) == (90, BUDGET - 90)


def test_adjusting_without_a_reason_is_422_and_changes_nothing(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    before = snapshot()

    response = post(
        client,
        f"/contributions/{contribution.pk}/approve",
        {"minutes": 60},
        headers=bearer_for(coordinator_of(session)),
    )

    assert_error(response, 422, "invalid")
    assert response.json()["error"]["detail"] == [
        {"field": "reason", "message": "Say why the time is changed."}
    ]
    assert snapshot() == before


@pytest.mark.parametrize("minutes", [-5, 121])
def test_minutes_outside_the_session_are_422_and_change_nothing(client, bearer_for, minutes):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    before = snapshot()

    response = post(
        client,
        f"/contributions/{contribution.pk}/approve",
        {"minutes": minutes, "reason": "Typo"},
        headers=bearer_for(coordinator_of(session)),
    )

    assert_error(response, 422, "invalid")
    assert response.json()["error"]["detail"][0]["field"].endswith("minutes")
    assert snapshot() == before


def test_adjusting_with_a_reason_earns_the_new_minutes_and_is_audited(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    coordinator = coordinator_of(session)

    response = post(
        client,
        f"/contributions/{contribution.pk}/approve",
        {"minutes": 45, "reason": "Arrived late"},
        headers=bearer_for(coordinator),
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["minutes"]) == ("approved", 45)
    assert list(
        ContributionEvent.objects.values_list(
            "actor",
            "action",
            "from_status",
            "to_status",
            "minutes_before",
            "minutes_after",
            "reason",
        )
    ) == [
        (coordinator.pk, "adjusted", "pending", "pending", 90, 45, "Arrived late"),
        (coordinator.pk, "approved", "pending", "approved", None, 45, ""),
    ]
    assert balances(contribution) == (45, BUDGET - 45)


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_needs_a_reason(client, bearer_for, body):
    session = FinishedSessionFactory()
    contribution = pending(session)
    before = snapshot()

    response = post(
        client,
        f"/contributions/{contribution.pk}/reject",
        body,
        headers=bearer_for(coordinator_of(session)),
    )

    assert_error(response, 422, "invalid")
    assert snapshot() == before


def test_a_rejected_contribution_posts_nothing_and_cannot_then_be_approved(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    headers = bearer_for(coordinator_of(session))

    rejected = post(
        client, f"/contributions/{contribution.pk}/reject", {"reason": "Not here"}, headers=headers
    )
    before = snapshot()
    approve = post(client, f"/contributions/{contribution.pk}/approve", headers=headers)
    reject_again = post(
        client, f"/contributions/{contribution.pk}/reject", {"reason": "Again"}, headers=headers
    )

    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert_error(approve, 409, "not_pending")
    assert_error(reject_again, 409, "not_pending")
    assert snapshot() == before
    assert Transfer.objects.filter(kind="earn").count() == 0
    assert balances(contribution) == (0, BUDGET)


def test_an_approved_contribution_cannot_be_rejected_or_adjusted(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    headers = bearer_for(coordinator_of(session))
    post(client, f"/contributions/{contribution.pk}/approve", headers=headers)
    before = snapshot()

    reject = post(
        client, f"/contributions/{contribution.pk}/reject", {"reason": "Changed"}, headers=headers
    )
    adjust = post(
        client,
        f"/contributions/{contribution.pk}/approve",
        {"minutes": 30, "reason": "Shorter"},
        headers=headers,
    )

    assert_error(reject, 409, "not_pending")
    assert_error(adjust, 409, "not_pending")
    assert snapshot() == before
    assert balances(contribution) == (90, BUDGET - 90)


def test_undo_reverses_and_approving_again_credits_the_member_once(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    headers = bearer_for(coordinator_of(session))
    post(client, f"/contributions/{contribution.pk}/approve", headers=headers)

    undone = post(
        client, f"/contributions/{contribution.pk}/unapprove", {"reason": "Oops"}, headers=headers
    )
    after_undo = balances(contribution)
    approved = post(client, f"/contributions/{contribution.pk}/approve", headers=headers)

    assert (undone.status_code, undone.json()["status"]) == (200, "pending")
    assert after_undo == (0, BUDGET)
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    first, second = Transfer.objects.filter(kind="earn", cause_id=contribution.pk).order_by("pk")
    (reversal,) = Transfer.objects.filter(kind="reverse")
    assert reversal.reverses_id == first.pk
    assert second.amount == 90
    assert balances(contribution) == (90, BUDGET - 90)
    assert ledger_verify().problems == []


def test_undoing_a_pending_contribution_is_409_and_changes_nothing(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session)
    before = snapshot()

    response = post(
        client,
        f"/contributions/{contribution.pk}/unapprove",
        {"reason": "Oops"},
        headers=bearer_for(coordinator_of(session)),
    )

    assert_error(response, 409, "not_approved")
    assert snapshot() == before


def test_an_unknown_contribution_is_404(client, bearer_for):
    response = post(
        client,
        "/contributions/999999/approve",
        headers=bearer_for(coordinator_of(FinishedSessionFactory())),
    )

    assert_error(response, 404, "not_found")


# The group's budget


def test_an_exhausted_budget_is_409_and_the_contribution_stays_pending(client, bearer_for):
    programme, organisation = ProgrammeFactory(), OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=organisation, status="approved")
    fund(organisation, programme, minutes=60)
    session = FinishedSessionFactory(
        activity=ActivityFactory(programme=programme, organisation=organisation)
    )
    contribution = pending(session, minutes=90)
    before = snapshot()

    response = post(
        client,
        f"/contributions/{contribution.pk}/approve",
        headers=bearer_for(coordinator_of(session)),
    )

    assert_error(response, 409, "group_budget_exhausted")
    assert snapshot() == before
    assert Contribution.objects.get().status == "pending"
    assert balances(contribution) == (0, 60)


# Approve a whole session


def test_approve_all_approves_every_pending_contribution_in_one_call(client, bearer_for):
    session = FinishedSessionFactory()
    waiting = [pending(session, minutes=m) for m in (30, 60, 90)]
    other = pending(FinishedSessionFactory(activity=session.activity), minutes=60)

    response = post(
        client, f"/sessions/{session.pk}/approve-all", headers=bearer_for(coordinator_of(session))
    )

    assert response.status_code == 200
    assert sorted((c["id"], c["status"]) for c in response.json()) == [
        (c.pk, "approved") for c in waiting
    ]
    assert sorted(Transfer.objects.filter(kind="earn").values_list("cause_id", "amount")) == [
        (c.pk, c.minutes) for c in waiting
    ]
    other.refresh_from_db()
    assert other.status == "pending"
    assert ledger_verify().problems == []


def test_approve_all_of_an_unknown_session_is_404(client, bearer_for):
    response = post(
        client,
        "/sessions/999999/approve-all",
        headers=bearer_for(coordinator_of(FinishedSessionFactory())),
    )

    assert_error(response, 404, "session_not_found")


# Who may decide


STEPS = {
    "approve": ("/contributions/{pending}/approve", {}),
    "adjust": ("/contributions/{pending}/approve", {"minutes": 30, "reason": "Less"}),
    "reject": ("/contributions/{pending}/reject", {"reason": "No"}),
    "unapprove": ("/contributions/{approved}/unapprove", {"reason": "No"}),
    "approve_all": ("/sessions/{session}/approve-all", {}),
}


@pytest.mark.parametrize("who", ["other_coordinator", "member"])
@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_sessions_own_coordinators_decide(client, bearer_for, who, step):
    session = FinishedSessionFactory()
    waiting = pending(session, minutes=90)
    approved = pending(session, minutes=60)
    post(
        client,
        f"/contributions/{approved.pk}/approve",
        headers=bearer_for(coordinator_of(session)),
    )
    actor = (
        StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user
        if who == "other_coordinator"
        else waiting.member.user
    )
    path, body = STEPS[step]
    before = snapshot()

    response = post(
        client,
        path.format(pending=waiting.pk, approved=approved.pk, session=session.pk),
        body,
        headers=bearer_for(actor),
    )

    assert_error(response, 403, "forbidden")
    assert snapshot() == before


def test_the_queue_lists_only_the_coordinators_own_pending_contributions(client, bearer_for):
    session = FinishedSessionFactory()
    waiting = pending(session)
    pending(FinishedSessionFactory())  # another organisation's
    coordinator = coordinator_of(session)

    mine = client.get(
        f"/api/v1/organisations/{session.activity.organisation.pk}/contributions?status=pending",
        headers=bearer_for(coordinator),
    )
    outsider = client.get(
        f"/api/v1/organisations/{session.activity.organisation.pk}/contributions",
        headers=bearer_for(StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user),
    )

    assert [c["id"] for c in mine.json()] == [waiting.pk]
    assert_error(outsider, 403, "forbidden")


# The coordinator's page


def verify_page(session):
    return f"/organisations/{session.activity.organisation.pk}/verify/"


def who(contribution) -> str:
    """How the page names a member: their name and code, or the code alone."""
    member = contribution.member
    name = member.user.get_full_name()
    return f"{name} ({member.code})" if name else member.code


def test_the_page_lists_the_queue_by_session(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90, auto_checked_out=True)
    contribution.member.user.first_name, contribution.member.user.last_name = "Nell", "Price"
    contribution.member.user.save()
    client.force_login(coordinator_of(session))

    response = client.get(verify_page(session))

    page = response.content.decode()
    assert response.status_code == 200
    assert session.activity.title in page
    assert "Nell Price" in page
    assert "Forgot to check out" in page
    assert f'name="contribution" value="{contribution.pk}"' in page
    assert f'name="session" value="{session.pk}"' in page


def test_the_page_approves_as_shown(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))

    response = client.post(
        verify_page(session),
        {"contribution": contribution.pk, "minutes": "90", "reason": "", "decision": "approve"},
        follow=True,
    )

    assert response.redirect_chain == [(verify_page(session), 302)]
    assert f"Approved: {who(contribution)}." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "approved"
    assert [t.amount for t in Transfer.objects.filter(kind="earn")] == [90]
    assert "Nothing is waiting" in response.content.decode()


def test_submitting_the_approval_twice_on_the_page_posts_once(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))
    form = {"contribution": contribution.pk, "minutes": "90", "reason": "", "decision": "approve"}

    client.post(verify_page(session), form, follow=True)
    again = client.post(verify_page(session), form, follow=True)

    notice = f'<p class="notice success" role="status">Approved: {who(contribution)}.</p>'
    assert notice in again.content.decode()
    assert 'class="notice error"' not in again.content.decode()
    assert Transfer.objects.filter(kind="earn").count() == 1


def test_the_page_adjusts_with_a_reason(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))

    client.post(
        verify_page(session),
        {"contribution": contribution.pk, "minutes": "60", "reason": "Left", "decision": "approve"},
    )

    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("approved", 60)
    assert [t.amount for t in Transfer.objects.filter(kind="earn")] == [60]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"minutes": "60", "reason": "", "decision": "approve"}, "Say why the time is changed."),
        (
            {"minutes": "90", "reason": "", "decision": "reject"},
            "Say why this time is not approved.",
        ),
        (
            {"minutes": "-5", "reason": "Typo", "decision": "approve"},
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"minutes": "many", "reason": "", "decision": "approve"}, "Enter a whole number."),
        (
            {"minutes": "500", "reason": "Long", "decision": "approve"},
            "Use from 0 to 120 minutes, the session&#x27;s length.",
        ),
        # Anything but "reject" used to approve the time and post its credits.
        ({"minutes": "90", "reason": "", "decision": "maybe"}, "Choose approve or reject."),
        ({"minutes": "90", "reason": ""}, "Choose approve or reject."),
    ],
)
def test_the_page_refuses_what_the_rules_refuse_and_changes_nothing(client, form, message):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))
    before = snapshot()

    response = client.post(
        verify_page(session), {"contribution": contribution.pk, **form}, follow=True
    )

    assert response.redirect_chain == [(verify_page(session), 302)]
    assert f'<p class="notice error" role="alert" tabindex="-1" data-focus>{message}</p>' in (
        response.content.decode()
    )
    assert snapshot() == before


def test_the_page_rejects_with_a_reason(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))

    response = client.post(
        verify_page(session),
        {"contribution": contribution.pk, "minutes": "90", "reason": "No", "decision": "reject"},
        follow=True,
    )

    assert f"Rejected: {who(contribution)}." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "rejected"
    assert Transfer.objects.filter(kind="earn").count() == 0


def test_the_page_approves_a_whole_session(client):
    session = FinishedSessionFactory()
    waiting = [pending(session, minutes=m) for m in (30, 60)]
    client.force_login(coordinator_of(session))

    response = client.post(verify_page(session), {"session": session.pk}, follow=True)

    assert "Approved 2 people&#x27;s time: " in response.content.decode()
    assert {c.status for c in Contribution.objects.filter(pk__in=[c.pk for c in waiting])} == {
        "approved"
    }
    assert Transfer.objects.filter(kind="earn").count() == 2
    # The same button again, from a page drawn before: it said "0 approved." in green.
    again = client.post(verify_page(session), {"session": session.pk}, follow=True)
    assert "Nothing at this session is waiting to be approved now." in again.content.decode()
    assert Transfer.objects.filter(kind="earn").count() == 2


def test_the_page_shows_an_exhausted_budget_and_changes_nothing(client):
    programme, organisation = ProgrammeFactory(), OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=organisation, status="approved")
    fund(organisation, programme, minutes=60)
    session = FinishedSessionFactory(
        activity=ActivityFactory(programme=programme, organisation=organisation)
    )
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))
    before = snapshot()

    response = client.post(
        verify_page(session),
        {"contribution": contribution.pk, "minutes": "90", "reason": "", "decision": "approve"},
        follow=True,
    )

    assert "Your group has no credits left to give for this." in response.content.decode()
    assert snapshot() == before


def test_another_organisations_coordinator_cannot_open_or_use_the_page(client):
    session = FinishedSessionFactory()
    contribution = pending(session)
    client.force_login(StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user)
    before = snapshot()

    page = client.get(verify_page(session))
    approve = client.post(
        verify_page(session), {"contribution": contribution.pk, "decision": "approve"}
    )
    approve_all = client.post(verify_page(session), {"session": session.pk})

    assert (page.status_code, approve.status_code, approve_all.status_code) == (403, 403, 403)
    assert snapshot() == before


def test_a_coordinator_cannot_decide_another_organisations_contribution_from_their_page(client):
    mine, theirs = FinishedSessionFactory(), FinishedSessionFactory()
    contribution = pending(theirs)
    client.force_login(coordinator_of(mine))
    before = snapshot()

    approve = client.post(
        verify_page(mine), {"contribution": contribution.pk, "decision": "approve"}
    )
    approve_all = client.post(verify_page(mine), {"session": theirs.pk})

    assert (approve.status_code, approve_all.status_code) == (404, 404)
    assert snapshot() == before


def test_a_member_cannot_open_the_page(client):
    session = FinishedSessionFactory()
    contribution = pending(session)
    client.force_login(contribution.member.user)

    assert client.get(verify_page(session)).status_code == 403
    assert client.post(verify_page(session), {"session": session.pk}).status_code == 403
    assert Contribution.objects.get().status == "pending"


def test_a_wrong_form_naming_another_groups_contribution_is_404_and_changes_nothing(client):
    session, elsewhere = FinishedSessionFactory(), FinishedSessionFactory()
    theirs = pending(elsewhere, minutes=90)
    client.force_login(coordinator_of(session))

    response = client.post(
        verify_page(session),
        {"contribution": theirs.pk, "minutes": "-5", "reason": "", "decision": "approve"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert not Transfer.objects.filter(kind="earn").exists()


def test_a_wrong_form_for_a_contribution_of_the_group_says_what_is_wrong(client):
    session = FinishedSessionFactory()
    contribution = pending(session, minutes=90)
    client.force_login(coordinator_of(session))

    response = client.post(
        verify_page(session),
        {"contribution": contribution.pk, "minutes": "-5", "reason": "", "decision": "approve"},
        follow=True,
    )

    assert response.redirect_chain == [(verify_page(session), 302)]
    assert 'class="notice error"' in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "pending"
