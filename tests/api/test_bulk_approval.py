"""POST /organisations/{id}/contributions/approve: a coordinator approves a selection at once,
through the same use case as the queue's page; and the door scan answers with the member's name.
"""

import pytest

from ledger.models import Transfer
from partners.models import StaffMembership
from tests.api.test_verification import (
    assert_error,
    coordinator_of,
    pending,
    post,
    snapshot,
)
from tests.factories import FinishedSessionFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


def approve_path(session) -> str:
    return f"/organisations/{session.activity.organisation_id}/contributions/approve"


def test_the_api_approves_a_selection_and_says_what_it_did(client, bearer_for):
    session, elsewhere = FinishedSessionFactory(), FinishedSessionFactory()
    first, second = pending(session, minutes=90), pending(session, minutes=30)
    theirs = pending(elsewhere, minutes=60)
    headers = bearer_for(coordinator_of(session))
    ids = [first.pk, theirs.pk, second.pk]

    response = post(client, approve_path(session), {"contribution_ids": ids}, headers=headers)
    again = post(client, approve_path(session), {"contribution_ids": ids}, headers=headers)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(c["id"], c["status"]) for c in body["approved"]] == [
        (first.pk, "approved"),
        (second.pk, "approved"),
    ]
    assert body["already"] == []
    assert body["refused"] == [
        {"id": theirs.pk, "message": "This is not time given at your sessions."}
    ]
    assert again.json()["approved"] == []
    assert [c["id"] for c in again.json()["already"]] == [first.pk, second.pk]
    assert sorted(Transfer.objects.filter(kind="earn").values_list("amount", flat=True)) == [
        30,
        90,
    ]


def test_the_api_refuses_someone_who_does_not_verify_here_and_changes_nothing(client, bearer_for):
    session = FinishedSessionFactory()
    contribution = pending(session)
    outsider = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user
    before = snapshot()

    response = post(
        client,
        approve_path(session),
        {"contribution_ids": [contribution.pk]},
        headers=bearer_for(outsider),
    )

    assert_error(response, 403, "forbidden")
    assert snapshot() == before


@pytest.mark.parametrize("body", [{"contribution_ids": []}, {"contribution_ids": ["x"]}, {}])
def test_the_api_refuses_a_malformed_selection(client, bearer_for, body):
    session = FinishedSessionFactory()
    pending(session)
    before = snapshot()

    response = post(
        client, approve_path(session), body, headers=bearer_for(coordinator_of(session))
    )

    assert_error(response, 422, "invalid")
    assert snapshot() == before
