from ledger.selectors import issuance_account, member_account
from ledger.services import transfer_post
from tests.factories import MemberFactory, UserFactory


def earn_times(member, count):
    for n in range(count):
        transfer_post(
            debit=issuance_account(programme=member.programme, spread_by=n),
            credit=member_account(member=member),
            amount=30,
            kind="earn",
            idempotency_key=f"t:{member.pk}:{n}",
        )


def test_a_member_reads_their_balance_and_history_a_page_at_a_time(client, bearer_for, db):
    member = MemberFactory()
    earn_times(member, 5)
    headers = bearer_for(member.user)

    first = client.get("/api/v1/me/transfers?limit=3", headers=headers).json()
    second = client.get(
        f"/api/v1/me/transfers?limit=3&before={first['next_before']}", headers=headers
    ).json()

    assert first["balance"] == {"posted": 150, "on_hold": 0, "available": 150}
    assert [line["balance_after"] for line in first["items"]] == [150, 120, 90]
    assert [line["balance_after"] for line in second["items"]] == [60, 30]
    assert second["next_before"] is None
    assert {line["amount"] for line in first["items"] + second["items"]} == {30}


def test_only_their_own_transfers_are_listed(client, bearer_for, db):
    member, other = MemberFactory(), MemberFactory()
    earn_times(other, 2)

    body = client.get("/api/v1/me/transfers", headers=bearer_for(member.user)).json()

    assert body["items"] == [] and body["balance"]["posted"] == 0


def test_someone_without_a_member_profile_gets_404(client, bearer_for, db):
    response = client.get("/api/v1/me/transfers", headers=bearer_for(UserFactory()))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_signed_out_callers_get_401(client, db):
    response = client.get("/api/v1/me/transfers")

    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "detail"}


def test_the_web_page_shows_balance_and_history(client, db):
    member = MemberFactory()
    earn_times(member, 3)
    client.force_login(member.user)

    page = client.get("/me/credits/").content.decode()

    assert '<p class="balance-amount number">1.5</p>' in page
    assert page.count('<li class="list-row">') == 3  # three earnings, under today
    assert page.count("Earned for time given") == 3
