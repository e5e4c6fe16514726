"""GET /organisations/{id}/statement (JSON and CSV) and reversing an expiry through the API."""

import pytest
from django.utils import timezone

from ledger.models import Transfer
from tests.credits.conftest import balance, expired
from tests.factories import (
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
)

pytestmark = pytest.mark.django_db


def test_the_statement_as_json(client, venue_staff_after_a_sale):
    venue, staff = venue_staff_after_a_sale
    client.force_login(staff)
    month = timezone.localdate().strftime("%Y-%m")

    body = client.get(f"/api/v1/organisations/{venue.pk}/statement?month={month}").json()

    assert (body["month"], body["accepted"], body["refunded"], body["net"]) == (month, 90, 0, 90)
    assert [(line["kind"], line["cause"], line["minutes"]) for line in body["lines"]] == [
        ("spend", "redemption:7", 90)
    ]
    assert body["retired"] is None


def test_the_statement_as_csv(client, venue_staff_after_a_sale):
    venue, staff = venue_staff_after_a_sale
    client.force_login(staff)

    response = client.get(f"/api/v1/organisations/{venue.pk}/statement.csv")

    month = timezone.localdate().strftime("%Y-%m")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{venue.slug}-{month}.csv"'
    )
    assert response.content.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "date,transfer,kind,cause,description,minutes,credits"
    assert rows[-1] == ",,total,net,,90,1.5"


def test_a_month_that_is_not_yyyy_mm_is_422(client, venue_staff_after_a_sale):
    venue, staff = venue_staff_after_a_sale
    client.force_login(staff)

    response = client.get(f"/api/v1/organisations/{venue.pk}/statement?month=03-2026")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_month"


def test_a_programme_admin_reverses_an_expiry_once_through_the_api(client):
    member = MemberFactory()
    expiry = expired(member)
    admin = ProgrammeRoleFactory(programme=member.programme, role="programme_admin").user
    client.force_login(admin)
    path = f"/api/v1/programmes/{member.programme.pk}/expiries/{expiry.pk}/reverse"

    listed = client.get(f"/api/v1/programmes/{member.programme.pk}/expiries").json()
    first = client.post(path, {"reason": "Away caring"}, content_type="application/json")
    again = client.post(path, content_type="application/json")
    after = client.get(f"/api/v1/programmes/{member.programme.pk}/expiries").json()

    assert [(e["transfer_id"], e["reversed"]) for e in listed] == [(expiry.pk, False)]
    assert first.status_code == 201, first.content
    assert first.json()["reverses"] == expiry.pk
    assert (first.json()["member_balance"], first.json()["reason"]) == (120, "Away caring")
    assert again.json()["transfer_id"] == first.json()["transfer_id"]
    assert [e["reversed"] for e in after] == [True]
    assert balance(member) == 120
    assert Transfer.objects.filter(kind="reverse").count() == 1


def test_the_expiries_come_a_page_at_a_time_and_by_member_code(client):
    programme = ProgrammeFactory()
    members = [MemberFactory(programme=programme) for _ in range(3)]
    expiries = [expired(member) for member in members]
    client.force_login(ProgrammeRoleFactory(programme=programme, role="programme_admin").user)
    path = f"/api/v1/programmes/{programme.pk}/expiries"

    first = client.get(path, {"limit": 2})
    rest = client.get(path, {"limit": 2, "offset": 2})
    one = client.get(path, {"member_code": members[0].code.lower()})
    nobody = client.get(path, {"member_code": "NOSUCH00"})

    newest_first = [e.pk for e in reversed(expiries)]
    assert [e["transfer_id"] for e in first.json()] == newest_first[:2]
    assert "offset=2" in first["Link"] and 'rel="next"' in first["Link"]
    assert [e["transfer_id"] for e in rest.json()] == newest_first[2:]
    assert "Link" not in rest
    assert [e["transfer_id"] for e in one.json()] == [expiries[0].pk]
    assert nobody.status_code == 200 and nobody.json() == []
