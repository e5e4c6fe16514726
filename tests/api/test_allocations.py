from ledger.models import Transfer
from ledger.selectors import organisation_account, programme_issued
from ledger.verify import ledger_verify
from partners.models import Participation
from tests.factories import OrganisationFactory, ProgrammeFactory, ProgrammeRoleFactory
from timecredits.programmes.models import ProgrammeRole


def setup(db):
    programme = ProgrammeFactory()
    group = OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=group, status="approved")
    admin = ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    return programme, group, admin


def allocate(client, programme, body, key="alloc-1"):
    return client.post(
        f"/api/v1/programmes/{programme.pk}/allocations",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key} if key else {},
    )


def test_a_programme_admin_funds_a_group_once_per_key(client, db):
    programme, group, admin = setup(db)
    client.force_login(admin)
    body = {"organisation_id": group.pk, "credits": 50, "reason": "Spring budget"}

    first = allocate(client, programme, body)
    again = allocate(client, programme, body)

    assert first.status_code == again.status_code == 201
    assert first.json()["transfer_id"] == again.json()["transfer_id"]
    assert first.json()["organisation_balance"] == 3000
    assert organisation_account(organisation=group).balance == 3000
    assert programme_issued(programme=programme) == 3000
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.posted_by) == ("allocate", admin)
    assert transfer.memo == "Spring budget"
    assert ledger_verify().problems == []


def test_the_same_key_for_another_allocation_is_409_and_changes_nothing(client, db):
    programme, group, admin = setup(db)
    client.force_login(admin)
    allocate(client, programme, {"organisation_id": group.pk, "credits": 50, "reason": "A"})

    response = allocate(
        client, programme, {"organisation_id": group.pk, "credits": 70, "reason": "A"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert organisation_account(organisation=group).balance == 3000


def test_a_group_outside_the_programme_or_a_venue_cannot_be_funded(client, db):
    programme, _, admin = setup(db)
    outsider = OrganisationFactory()
    venue = OrganisationFactory(kind="venue")
    Participation.objects.create(programme=programme, organisation=venue, status="approved")
    client.force_login(admin)

    for organisation in (outsider, venue):
        response = allocate(
            client,
            programme,
            {"organisation_id": organisation.pk, "credits": 5, "reason": "x"},
            key=f"k{organisation.pk}",
        )
        assert response.status_code == 422
        assert response.json()["error"]["detail"][0]["field"] == "organisation"
    assert Transfer.objects.count() == 0


def test_bad_amounts_and_missing_reasons_are_422(client, db):
    programme, group, admin = setup(db)
    client.force_login(admin)

    zero = allocate(client, programme, {"organisation_id": group.pk, "credits": 0, "reason": "x"})
    blank = allocate(client, programme, {"organisation_id": group.pk, "credits": 1, "reason": " "})

    assert zero.status_code == blank.status_code == 422
    assert blank.json()["error"]["detail"] == [
        {"field": "reason", "message": "Say what the credits are for."}
    ]
    assert Transfer.objects.count() == 0


def test_the_programme_page_allocates_once_even_if_submitted_twice(client, db):
    programme, group, admin = setup(db)
    client.force_login(admin)
    page = client.get(f"/programmes/{programme.pk}/admin/")
    token = page.context["allocation_form"]["token"].value()
    form = {"organisation": group.pk, "credits": 10, "reason": "Food bank", "token": token}

    client.post(f"/programmes/{programme.pk}/admin/allocations/", form)
    response = client.post(f"/programmes/{programme.pk}/admin/allocations/", form, follow=True)

    assert organisation_account(organisation=group).balance == 600
    assert "Food bank" in response.content.decode()
