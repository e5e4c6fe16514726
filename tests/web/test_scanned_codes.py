"""Where a phone's camera lands after scanning a member's pass (/p/<token>) or a redemption
code (/r/<token>), for each kind of person holding the phone."""

from urllib.parse import quote

from django.utils import timezone

from ledger.selectors import account_balance, member_account
from partners.models import Organisation, StaffMembership
from tests.factories import SessionFactory, approved_organisation
from tests.spending.balances import snapshot
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.members.passes import pass_token
from timecredits.spending.models import Redemption
from timecredits.spending.services.redemptions import redemption_create
from timecredits.spending.tokens import redemption_token


def pass_of(member, *, rotating=True):
    now = timezone.now() if rotating else None
    return pass_token(member_id=member.pk, pass_version=member.pass_version, now=now)


def test_venue_staff_scanning_a_pass_land_on_the_till_with_the_pass_ready_to_charge(
    client, venue, programme
):
    member = funded_member(programme)
    offer = make_offer(venue, title="Swim")
    client.force_login(venue_staff(venue))
    token = pass_of(member)

    landed = client.get(f"/p/{token}", follow=True)
    form = landed.context["charge_form"]
    charged = client.post(
        f"/organisations/{venue.pk}/redeem/",
        {"form": "charge", "pass_token": form["pass_token"].value(), "offer": offer.pk},
        follow=True,
    )

    assert landed.redirect_chain[0][0] == f"/organisations/{venue.pk}/redeem/?pass={quote(token)}"
    assert form["pass_token"].value() == token
    assert "Charged: Swim" in charged.content.decode()
    assert Redemption.objects.get().status == "completed"
    assert account_balance(account=member_account(member=member)).available == 240


def test_staff_of_two_venues_choose_where_to_charge(client, venue, programme):
    other = approved_organisation(programme, kind=Organisation.Kind.BOTH, name="Arts Hub")
    staff = venue_staff(venue)
    StaffMembership.objects.create(organisation=other, user=staff, role="org_admin")
    client.force_login(staff)
    token = pass_of(funded_member(programme))

    page = client.get(f"/p/{token}")

    assert page.status_code == 200
    assert [v.name for v, _url in page.context["charges"]] == ["Arts Hub", "Leisure Centre"]
    assert f"/organisations/{venue.pk}/redeem/?pass={quote(token)}" in page.content.decode()


def test_a_coordinator_with_a_session_now_still_checks_the_member_in(client, programme):
    session = SessionFactory(activity__programme=programme)
    coordinator = venue_staff(session.activity.organisation, StaffMembership.Role.COORDINATOR)
    client.force_login(coordinator)

    page = client.get(f"/p/{pass_of(funded_member(programme))}")

    assert page.status_code == 200
    assert list(page.context["sessions"]) == [session]
    assert page.context["charges"] == []


def test_a_member_scanning_another_member_s_pass_lands_on_giving_them_credits(client, programme):
    giver, recipient = funded_member(programme), funded_member(programme)
    client.force_login(giver.user)

    landed = client.get(f"/p/{pass_of(recipient)}", follow=True)

    assert landed.redirect_chain == [(f"/me/give/?code={recipient.code}", 302)]
    assert landed.context["form"]["member_code"].value() == recipient.code
    assert account_balance(account=member_account(member=recipient)).available == 300


def test_a_member_scanning_their_own_pass_is_told_so_and_nothing_moves(client, programme):
    member = funded_member(programme)
    client.force_login(member.user)
    before = snapshot()

    page = client.get(f"/p/{pass_of(member, rotating=False)}")

    assert page.status_code == 400
    assert "This is your own pass." in page.content.decode()
    assert snapshot() == before


def test_a_replaced_card_scanned_by_a_member_is_refused(client, programme):
    giver, recipient = funded_member(programme), funded_member(programme)
    old = pass_of(recipient, rotating=False)
    recipient.pass_version += 1
    recipient.save(update_fields=["pass_version"])
    client.force_login(giver.user)

    page = client.get(f"/p/{old}")

    assert page.status_code == 400
    assert "/me/give/" not in page.get("Location", "")


def test_staff_scanning_another_venue_s_redemption_code_are_refused_with_its_name(
    client, venue, programme
):
    member = funded_member(programme)
    redemption, _ = redemption_create(member=member, offer=make_offer(venue), idempotency_key="k")
    other = approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Cinema")
    client.force_login(venue_staff(other))
    before = snapshot()

    page = client.get(f"/r/{redemption_token(redemption_id=redemption.pk, code=redemption.code)}")

    body = page.content.decode()
    assert page.status_code == 409
    assert "This code is for Leisure Centre, so it cannot be used here." in body
    assert "Show this code to the venue" not in body
    assert snapshot() == before


def test_a_member_scanning_a_redemption_code_is_asked_to_show_it_to_staff(client, venue, programme):
    member = funded_member(programme)
    redemption, _ = redemption_create(member=member, offer=make_offer(venue), idempotency_key="k")
    client.force_login(funded_member(programme).user)

    page = client.get(f"/r/{redemption_token(redemption_id=redemption.pk, code=redemption.code)}")

    assert page.status_code == 200
    assert "Show this code to the venue" in page.content.decode()
