"""POST /gifts, /donations and /organisations/{id}/gifts: credits move once, refusals explain."""

import pytest

from ledger.models import Transfer
from ledger.selectors import organisation_account
from ledger.verify import ledger_verify
from tests.credits.conftest import balance
from tests.factories import (
    MemberFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from timecredits.members.passes import pass_token

pytestmark = pytest.mark.django_db


def _post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type="application/json", **headers)


def test_a_gift_by_member_code_is_201_and_a_replay_gives_once(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)
    body = {"member_code": recipient.code.lower(), "minutes": 90, "message": "Thank you"}

    first = _post(client, "/api/v1/gifts", body, key="abc")
    again = _post(client, "/api/v1/gifts", body, key="abc")

    assert first.status_code == 201, first.content
    assert first.json() | {"posted_at": None} == {
        "transfer_id": first.json()["transfer_id"],
        "kind": "gift",
        "minutes": 90,
        "message": "Thank you",
        "posted_at": None,
        "balance_after": 210,
    }
    assert again.status_code == 201
    assert again.json()["transfer_id"] == first.json()["transfer_id"]
    assert (balance(giver), balance(recipient)) == (210, 90)
    assert ledger_verify().problems == []


def test_a_gift_by_scanned_pass(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)
    token = pass_token(member_id=recipient.pk, pass_version=recipient.pass_version)

    response = _post(client, "/api/v1/gifts", {"pass_token": token, "minutes": 60})

    assert response.status_code == 201, response.content
    assert (balance(giver), balance(recipient)) == (240, 60)


def test_a_gift_over_the_balance_is_409_with_a_stable_code_and_moves_nothing(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    response = _post(client, "/api/v1/gifts", {"member_code": recipient.code, "minutes": 301})

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "insufficient_credit",
        "There are only 5 credits to give.",
    )
    assert (balance(giver), balance(recipient)) == (300, 0)
    assert Transfer.objects.filter(kind="gift").count() == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"member_code": "SELF", "minutes": 60}, 422, "gift_to_self"),
        ({"member_code": "ZZZZZZZZ", "minutes": 60}, 404, "recipient_not_found"),
        ({"member_code": "OTHER", "minutes": 60}, 422, "recipient_other_programme"),
        ({"member_code": "RECIPIENT", "minutes": 0}, 422, "invalid_amount"),
        ({"minutes": 60}, 422, "invalid"),
        ({"pass_token": "forged", "minutes": 60}, 422, "token_invalid"),
    ],
)
def test_refused_gifts_say_why_and_move_nothing(client, pair, body, status, code):
    giver, recipient = pair
    other = MemberFactory()
    codes = {"SELF": giver.code, "OTHER": other.code, "RECIPIENT": recipient.code}
    if "member_code" in body:
        body = body | {"member_code": codes.get(body["member_code"], body["member_code"])}
    client.force_login(giver.user)

    response = _post(client, "/api/v1/gifts", body)

    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert (balance(giver), balance(recipient), balance(other)) == (300, 0, 0)


def test_a_donation_to_the_pool_and_to_a_group(client, pair):
    giver, _ = pair
    group = approved_organisation(giver.programme)
    client.force_login(giver.user)

    to_pool = _post(client, "/api/v1/donations", {"minutes": 60}, key="p")
    to_group = _post(
        client, "/api/v1/donations", {"organisation_id": group.pk, "minutes": 30}, key="g"
    )

    assert (to_pool.status_code, to_group.status_code) == (201, 201)
    assert to_group.json()["balance_after"] == 210
    assert balance(organisation_account(organisation=group)) == 6030


def test_an_org_admin_gives_to_another_organisation_and_a_coordinator_cannot(client):
    programme = ProgrammeFactory()
    giver, recipient = approved_organisation(programme), approved_organisation(programme)
    admin = StaffMembershipFactory(organisation=giver, role="org_admin").user
    coordinator = StaffMembershipFactory(organisation=giver, role="coordinator").user
    body = {"organisation_id": recipient.pk, "minutes": 120, "reason": "Shared budget"}

    client.force_login(coordinator)
    refused = _post(client, f"/api/v1/organisations/{giver.pk}/gifts", body, key="x")
    client.force_login(admin)
    given = _post(client, f"/api/v1/organisations/{giver.pk}/gifts", body, key="x")

    assert refused.status_code == 403
    assert given.status_code == 201, given.content
    assert given.json()["balance_after"] == 5880
    assert balance(organisation_account(organisation=recipient)) == 6120
