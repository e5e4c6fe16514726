"""Staff see the ledger in the admin, read-only, and the last verification's result."""

from django_q.tasks import async_task

from ledger.models import Account, Transfer, VerificationRun
from ledger.services import transfer_post
from tests.factories import ProgrammeFactory, UserFactory


def _earn(issuance, member_account):
    """An hour earned for contribution 42."""
    return transfer_post(
        debit=issuance,
        credit=member_account,
        amount=60,
        kind="earn",
        idempotency_key="e",
        cause_type="contribution",
        cause_id=42,
    )


def test_staff_can_search_transfers_but_not_add_change_or_delete_them(client, issuance, alice):
    transfer = _earn(issuance, alice)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    found = client.get("/admin/ledger/transfer/", {"q": "contribution"})
    change = client.post(f"/admin/ledger/transfer/{transfer.pk}/change/", {"amount": 6000})
    delete = client.post(f"/admin/ledger/transfer/{transfer.pk}/delete/", {"post": "yes"})

    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [transfer]
    assert client.get("/admin/ledger/transfer/add/").status_code == 403
    assert change.status_code == 403 and delete.status_code == 403
    assert Transfer.objects.get(pk=transfer.pk).amount == 60


def test_staff_find_transfers_by_owner_kind_and_cause_and_accounts_by_owner(client, alice, bob):
    programme = ProgrammeFactory(name="Riverside Time")
    issuance = Account.objects.filter(programme=programme, kind="issuance").first()
    earned = _earn(issuance, alice)
    gift = transfer_post(debit=alice, credit=bob, amount=30, kind="gift", idempotency_key="g")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    def found(path, q):
        return list(client.get(path, {"q": q}).context["cl"].result_list)

    assert found("/admin/ledger/transfer/", "gift") == [gift]
    assert found("/admin/ledger/transfer/", "earn") == [earned]
    assert found("/admin/ledger/transfer/", "42") == [earned]
    assert found("/admin/ledger/transfer/", "Riverside Time") == [earned]
    assert issuance in found("/admin/ledger/account/", "Riverside Time")
    assert found("/admin/ledger/account/", "nobody by this name") == []


def test_the_daily_check_runs_through_django_q_and_its_result_shows_in_the_admin(
    client, issuance, alice
):
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e")

    async_task("ledger.tasks.verify_ledger")  # runs at once: Q_CLUSTER is sync in tests

    run = VerificationRun.objects.get()
    assert (run.ok, run.transfers, run.problems) == (True, 1, [])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/ledger/verificationrun/")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [run]
