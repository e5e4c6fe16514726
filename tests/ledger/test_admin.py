"""Staff see the ledger in the admin, read-only, and the last verification's result."""

from django_q.tasks import async_task

from ledger.models import Transfer, VerificationRun
from ledger.services import transfer_post
from tests.factories import UserFactory


def test_staff_can_search_transfers_but_not_add_change_or_delete_them(client, issuance, alice):
    transfer = transfer_post(
        debit=issuance,
        credit=alice,
        amount=60,
        kind="earn",
        idempotency_key="e",
        cause_type="contribution",
        cause_id=42,
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    found = client.get("/admin/ledger/transfer/", {"q": "contribution"})
    change = client.post(f"/admin/ledger/transfer/{transfer.pk}/change/", {"amount": 6000})
    delete = client.post(f"/admin/ledger/transfer/{transfer.pk}/delete/", {"post": "yes"})

    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [transfer]
    assert client.get("/admin/ledger/transfer/add/").status_code == 403
    assert change.status_code == 403 and delete.status_code == 403
    assert Transfer.objects.get(pk=transfer.pk).amount == 60
    assert client.get("/admin/ledger/account/", {"q": "test account"}).status_code == 200


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
