"""Give, donate, statement and expiry pages: no JavaScript, the services' messages, one move per
form token."""

import pytest
from django.utils import timezone

from ledger.models import Transfer
from ledger.selectors import organisation_account
from tests.credits.conftest import approved_venue, balance, earn, expired
from tests.factories import (
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
    approved_organisation,
)

pytestmark = pytest.mark.django_db


def test_giving_by_member_code_on_the_page_gives_once_per_form(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)
    form = client.get("/me/give/")
    token = form.context["form"]["token"].value()
    data = {"member_code": recipient.code, "amount": "1.5", "message": "Ta", "token": token}

    first = client.post("/me/give/", data, follow=True)
    client.post("/me/give/", data)

    assert f"You gave 1.5 credits to member {recipient.code}. Thank you!" in first.content.decode()
    assert (balance(giver), balance(recipient)) == (210, 90)
    assert Transfer.objects.filter(kind="gift").count() == 1


def test_a_gift_sent_again_with_another_amount_is_refused_then_given_as_new(client, pair):
    # Back after a gift, change the amount, send: the first gift stands, nothing more moves,
    # the page says why and carries a new token, so sending it once more is a new gift.
    giver, recipient = pair
    client.force_login(giver.user)
    token = client.get("/me/give/").context["form"]["token"].value()
    data = {"member_code": recipient.code, "amount": "1", "token": token}
    client.post("/me/give/", data)

    again = client.post("/me/give/", {**data, "amount": "2"})

    assert again.status_code == 200
    assert "This form was already sent, with other details" in again.content.decode()
    assert (balance(giver), balance(recipient)) == (240, 60)
    fresh = again.context["form"]["token"].value()
    assert fresh != token
    client.post("/me/give/", {**data, "amount": "2", "token": fresh})
    assert (balance(giver), balance(recipient)) == (120, 180)


def test_a_tampered_token_too_long_for_a_key_is_a_form_error(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/me/give/", {"member_code": recipient.code, "amount": "1", "token": "t" * 300}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert Transfer.objects.filter(kind="gift").count() == 0


def test_a_refused_gift_shows_the_reason_next_to_the_field(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/me/give/", {"member_code": recipient.code, "amount": "6", "token": "t"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There are only 5 credits to give." in html
    assert 'aria-invalid="true"' in html
    assert (balance(giver), balance(recipient)) == (300, 0)


@pytest.mark.parametrize("amount", ["0.06", "1.99", "0.33"])
def test_an_amount_that_is_not_whole_minutes_is_refused_rather_than_rounded(client, pair, amount):
    # 0.01 credit moved 1 minute and was then shown as 0.02.
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/me/give/", {"member_code": recipient.code, "amount": amount, "token": "t"}
    )

    assert "Use steps of 0.05 credits (3 minutes)" in response.content.decode()
    assert (balance(giver), balance(recipient)) == (300, 0)


def test_an_amount_of_whole_minutes_moves_exactly_that(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    client.post("/me/give/", {"member_code": recipient.code, "amount": "0.05", "token": "t"})

    assert (balance(giver), balance(recipient)) == (297, 3)


def test_giving_to_yourself_on_the_page_is_refused(client, pair):
    giver, _ = pair
    client.force_login(giver.user)

    response = client.post("/me/give/", {"member_code": giver.code, "amount": "1", "token": "t"})

    assert "You cannot give credits to yourself." in response.content.decode()
    assert balance(giver) == 300


def test_donating_on_the_page(client, pair):
    giver, _ = pair
    group = approved_organisation(giver.programme, name="Lunch Club")
    client.force_login(giver.user)

    page = client.get("/me/donate/")
    response = client.post(
        "/me/donate/", {"organisation": group.pk, "amount": "2", "token": "t"}, follow=True
    )

    assert "Lunch Club" in page.content.decode()
    assert "You donated 2 credits to Lunch Club. Thank you!" in response.content.decode()
    assert balance(organisation_account(organisation=group)) == 6120


def test_the_home_and_credits_pages_link_to_giving(client, pair):
    giver, _ = pair
    client.force_login(giver.user)

    home = client.get("/").content.decode()
    history = client.get("/me/credits/").content.decode()

    for html in (home, history):
        assert 'href="/me/give/"' in html
        assert 'href="/me/donate/"' in html


def test_venue_staff_see_the_statement_and_download_it(client, venue_staff_after_a_sale):
    venue, staff = venue_staff_after_a_sale
    client.force_login(staff)
    month = timezone.localdate().strftime("%Y-%m")

    home = client.get("/").content.decode()
    page = client.get(f"/organisations/{venue.pk}/statement/").content.decode()
    download = client.get(f"/organisations/{venue.pk}/statement.csv?month={month}")

    assert f'href="/organisations/{venue.pk}/statement/"' in home
    assert "Swim for two" in page
    assert f'href="/organisations/{venue.pk}/statement.csv?month={month}"' in page
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode().splitlines()[-1] == ",,total,net,,90,1.5"


def test_the_statement_offers_no_month_it_cannot_show(client, venue_staff_after_a_sale):
    # A later month than this one has nothing yet, and 2100 was an error page.
    venue, staff = venue_staff_after_a_sale
    client.force_login(staff)

    now = client.get(f"/organisations/{venue.pk}/statement/").content.decode()
    first = client.get(f"/organisations/{venue.pk}/statement/?month=2000-01").content.decode()
    beyond = client.get(f"/organisations/{venue.pk}/statement/?month=2100-01")

    assert "Later month" not in now and "Earlier month" in now
    assert "Earlier month" not in first and "Later month" in first
    assert "Give a month from 2000 to 2099" in beyond.content.decode()


def test_a_coordinator_cannot_see_the_statement(client):
    venue = approved_venue(ProgrammeFactory())
    client.force_login(StaffMembershipFactory(organisation=venue, role="coordinator").user)

    response = client.get(f"/organisations/{venue.pk}/statement/")

    assert response.status_code == 403


def test_a_programme_admin_gives_expired_credits_back_from_the_page(client):
    member = MemberFactory(programme=ProgrammeFactory(expiry_months=6), code="EXP1RED0")
    expiry = expired(member)
    admin = ProgrammeRoleFactory(programme=member.programme, role="programme_admin").user
    client.force_login(admin)
    programme_id = member.programme.pk

    page = client.get(f"/programmes/{programme_id}/admin/expiries/").content.decode()
    done = client.post(
        f"/programmes/{programme_id}/admin/expiries/{expiry.pk}/reverse",
        {"reason": "Was unwell"},
        follow=True,
    )

    assert "EXP1RED0" in page
    assert "Credits expire after 6 months without activity." in page
    html = done.content.decode()
    assert "2 credits are back with the member." in html
    assert "Given back" in html
    assert balance(member) == 120
    assert Transfer.objects.get(kind="reverse").memo == "Was unwell"


def test_a_programme_admin_finds_a_members_expiry_by_code_past_the_first_page(client, monkeypatch):
    """A member asks for their credits back: however long the list, their code finds theirs,
    and giving them back returns to their list."""
    monkeypatch.setattr("timecredits.credits.use_cases.EXPIRIES_PAGE", 2)
    programme = ProgrammeFactory(expiry_months=6)
    theirs = expired(MemberFactory(programme=programme, code="ASK1NG00"))
    for _ in range(3):  # newer: the asking member's is on the second page of two
        expired(MemberFactory(programme=programme))
    expired(MemberFactory(code="STRANGE0"))  # another programme's member
    client.force_login(ProgrammeRoleFactory(programme=programme, role="programme_admin").user)
    path = f"/programmes/{programme.pk}/admin/expiries/"

    first = client.get(path).content.decode()
    second = client.get(path, {"page": 2}).content.decode()
    found = client.get(path, {"member": "ask1-ngOO "}).content.decode()  # as typed off a card
    unknown = client.get(path, {"member": "STRANGE0"}).content.decode()
    beyond = client.get(path, {"member": "ASK1NG00", "page": 2}).content.decode()
    done = client.post(f"{path}{theirs.pk}/reverse", {"member": "ASK1NG00"})

    assert "ASK1NG00" not in first and "?page=2" in first
    assert "ASK1NG00" in second and "?page=1" in second
    assert "Expired credits of member ASK1NG00." in found
    assert found.count('name="reason"') == 1
    assert "No member of this programme has the code STRANGE0." in unknown
    assert 'name="reason"' not in unknown
    assert "There are no more on this page." in beyond and "None of their" not in beyond
    assert done.status_code == 302 and done["Location"] == f"{path}?member=ASK1NG00"


def test_a_commissioner_cannot_reverse_an_expiry_from_the_page(client):
    member = MemberFactory()
    expiry = expired(member)
    commissioner = ProgrammeRoleFactory(programme=member.programme, role="commissioner").user
    client.force_login(commissioner)

    response = client.post(f"/programmes/{member.programme.pk}/admin/expiries/{expiry.pk}/reverse")

    assert response.status_code == 403
    assert balance(member) == 0
    assert Transfer.objects.filter(kind="reverse").count() == 0


@pytest.mark.parametrize("amount", ["1e309", "9" * 30])
def test_an_amount_too_large_to_hold_is_the_fields_error_and_moves_nothing(client, pair, amount):
    # 1E+309 credits could not be divided into minutes: a 500.
    giver, recipient = pair
    client.force_login(giver.user)
    token = client.get("/me/give/").context["form"]["token"].value()
    data = {"member_code": recipient.code, "amount": amount, "token": token}

    response = client.post("/me/give/", data)

    assert response.status_code == 200
    assert 'id="id_amount-error"' in response.content.decode()
    assert (balance(giver), balance(recipient)) == (300, 0)
    assert not Transfer.objects.filter(kind="gift").exists()


def test_a_busy_months_statement_comes_a_page_at_a_time_under_its_totals(
    client, venue_staff_after_a_sale, monkeypatch
):
    # 9,814 spends in a month made a 2 MB page: the lines come a page at a time.
    from tests.credits.conftest import spend
    from timecredits.credits import use_cases

    venue, staff = venue_staff_after_a_sale
    member = MemberFactory(programme=venue.programmes.get())
    earn(member, 300)
    for n in range(2):
        spend(member, venue, 60, f"more{n}", offer=f"Cinema {n}")
    monkeypatch.setattr(use_cases, "LINES_PER_PAGE", 2)
    client.force_login(staff)
    url = f"/organisations/{venue.pk}/statement/"
    month = timezone.localdate().strftime("%Y-%m")

    first = client.get(url).content.decode()
    second = client.get(url, {"month": month, "page": 2}).content.decode()

    assert "Swim for two" in first and "Cinema 0" in first and "Cinema 1" not in first
    assert "Cinema 1" in second and "Swim for two" not in second
    assert f'href="?month={month}&amp;page=2" rel="next"' in first
    for page in (first, second):  # the month's totals on every page
        assert "<strong>3.5</strong> net." in page
