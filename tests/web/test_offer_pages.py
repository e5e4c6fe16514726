import datetime
import re

from django.utils import timezone

from ledger.selectors import account_balance, member_account
from partners.models import Organisation, Participation, StaffMembership
from tests.factories import ProgrammeFactory, approved_organisation
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.members.passes import pass_token
from timecredits.spending.models import Offer, Redemption
from timecredits.spending.tokens import redemption_token


def test_a_member_browses_redeems_and_sees_a_big_code_with_its_qr(client, venue, programme):
    member = funded_member(programme)
    offer = make_offer(venue, title="Swim")
    client.force_login(member.user)

    listing = client.get("/offers/?today=on").content.decode()
    page = client.get(f"/offers/{offer.pk}/").content.decode()
    key = re.search(r'name="key" value="(\w+)"', page).group(1)
    redeemed = client.post(f"/offers/{offer.pk}/", {"key": key}, follow=True)
    client.post(f"/offers/{offer.pk}/", {"key": key})  # a double tap

    redemption = Redemption.objects.get()
    body = redeemed.content.decode()
    assert "Swim" in listing and "5 credits" in listing
    assert redemption.code in body and "<svg" in body
    assert account_balance(account=member_account(member=member)).available == 240
    assert redemption.code in client.get("/me/redemptions/").content.decode()


def test_a_refusal_shows_a_message_a_volunteer_understands(client, venue, programme):
    member = funded_member(programme, minutes=30)
    offer = make_offer(venue)
    client.force_login(member.user)

    response = client.post(f"/offers/{offer.pk}/", {"key": "k"})

    assert response.status_code == 409
    assert "You do not have enough credits for this offer." in response.content.decode()
    assert Redemption.objects.count() == 0


def test_a_member_cancels_from_the_code_page(client, venue, programme):
    member = funded_member(programme)
    offer = make_offer(venue)
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "k"})
    redemption = Redemption.objects.get()

    client.post(f"/me/redemptions/{redemption.pk}/cancel")

    assert Redemption.objects.get().status == "cancelled"
    assert account_balance(account=member_account(member=member)).available == 300


def test_venue_staff_complete_a_scanned_code_and_charge_a_pass(client, venue, programme):
    member = funded_member(programme)
    offer = make_offer(venue, title="Swim")
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "k"})
    redemption = Redemption.objects.get()
    client.force_login(venue_staff(venue))

    scanned = client.get(
        f"/r/{redemption_token(redemption_id=redemption.pk, code=redemption.code)}"
    )
    done = client.post(
        f"/organisations/{venue.pk}/redeem/", {"form": "code", "code": redemption.code}, follow=True
    )
    token = pass_token(member_id=member.pk, pass_version=member.pass_version)
    charged = client.post(
        f"/organisations/{venue.pk}/redeem/",
        {"form": "charge", "pass_token": f"http://x/p/{token}", "offer": offer.pk, "key": "t1"},
        follow=True,
    )

    assert scanned.status_code == 302 and f"code={redemption.code}" in scanned["Location"]
    assert "Done: Swim" in done.content.decode()
    assert "Charged: Swim" in charged.content.decode()
    assert sorted(Redemption.objects.values_list("status", flat=True)) == ["completed"] * 2
    assert account_balance(account=member_account(member=member)).available == 180


def test_a_code_for_another_venue_is_refused_on_the_till_page(client, venue, programme):
    member = funded_member(programme)
    offer = make_offer(venue)
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "k"})
    other = approved_organisation(programme, kind=Organisation.Kind.VENUE)
    client.force_login(venue_staff(other))

    page = client.post(
        f"/organisations/{other.pk}/redeem/",
        {"form": "code", "code": Redemption.objects.get().code},
        follow=True,
    ).content.decode()

    assert "This code is for Leisure Centre, so it cannot be used here." in page
    assert Redemption.objects.get().status == "held"


def test_a_venue_admin_adds_an_offer_and_home_links_the_venue_pages(client, venue, programme):
    admin = venue_staff(venue, StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin)

    client.post(
        f"/organisations/{venue.pk}/offers/",
        {
            "title": "Yoga",
            "credits": "1.5",
            "category": "health",
            "days": ["0", "2"],
            "programmes": [str(programme.pk)],
            "active": "on",
        },
    )
    home = client.get("/").content.decode()

    offer = Offer.objects.get()
    assert (offer.title, offer.cost_minutes, offer.weekdays) == ("Yoga", 90, [0, 2])
    assert (
        f"/organisations/{venue.pk}/redeem/" in home
        and f"/organisations/{venue.pk}/offers/" in home
    )


def test_members_cannot_reach_the_till_page(client, venue, programme):
    client.force_login(funded_member(programme).user)

    assert client.get(f"/organisations/{venue.pk}/redeem/").status_code == 403


def offer_form(programmes, **values):
    return {
        "title": "Swim",
        "credits": "1",
        "category": "leisure",
        "days": [str(d) for d in range(7)],
        "programmes": [str(p.pk) for p in programmes],
        "active": "on",
    } | values


def test_a_double_tap_on_save_adds_the_offer_once(client, venue, programme):
    # Two identical published offers, which members then saw twice.
    client.force_login(venue_staff(venue, StaffMembership.Role.ORG_ADMIN))
    page = client.get(f"/organisations/{venue.pk}/offers/").content.decode()
    token = re.search(r'name="token" value="(\w+)"', page).group(1)

    for _ in range(2):
        sent = client.post(
            f"/organisations/{venue.pk}/offers/", offer_form([programme], token=token)
        )
        assert sent.status_code == 302

    assert Offer.objects.filter(organisation=venue).count() == 1


def test_the_offer_form_offers_only_the_venue_s_approved_programmes(client, venue, programme):
    second = ProgrammeFactory(name="Second")
    Participation.objects.create(programme=second, organisation=venue, status="approved")
    pending = ProgrammeFactory(name="Pending")
    Participation.objects.create(programme=pending, organisation=venue, status="pending")
    client.force_login(venue_staff(venue))

    form = client.get(f"/organisations/{venue.pk}/offers/").context["form"]

    choices = [label for _value, label in form.fields["programmes"].choices]
    assert choices == sorted([programme.name, "Second"])
    assert form.initial["programmes"] == list(form.fields["programmes"].queryset)


def test_a_venue_admin_opens_an_offer_to_one_of_its_programmes(client, venue, programme):
    second = ProgrammeFactory()
    Participation.objects.create(programme=second, organisation=venue, status="approved")
    client.force_login(venue_staff(venue))

    client.post(f"/organisations/{venue.pk}/offers/", offer_form([second]))
    offer = Offer.objects.get()
    created_for = list(offer.programmes.all())
    edit = client.get(f"/organisations/{venue.pk}/offers/{offer.pk}/").context["form"]
    client.post(f"/organisations/{venue.pk}/offers/{offer.pk}/", offer_form([programme, second]))

    assert created_for == [second]
    assert edit.initial["programmes"] == [second]
    assert list(offer.programmes.order_by("pk")) == sorted([programme, second], key=lambda p: p.pk)


def test_a_programme_the_venue_is_not_approved_in_is_refused_and_nothing_is_saved(
    client, venue, programme
):
    pending = ProgrammeFactory()
    Participation.objects.create(programme=pending, organisation=venue, status="pending")
    client.force_login(venue_staff(venue))

    response = client.post(f"/organisations/{venue.pk}/offers/", offer_form([pending]))

    assert response.status_code == 200
    assert response.context["form"].errors["programmes"] == [
        f"Select a valid choice. {pending.pk} is not one of the available choices."
    ]
    assert Offer.objects.count() == 0


def test_an_offer_with_no_programme_is_refused(client, venue):
    client.force_login(venue_staff(venue))

    response = client.post(f"/organisations/{venue.pk}/offers/", offer_form([]))

    assert "Choose at least one programme whose members may use it." in response.content.decode()
    assert Offer.objects.count() == 0


def test_a_typed_code_shows_who_and_what_before_anything_is_taken(client, venue, programme):
    # Typing the code completed it at once; now it is looked up like a scanned one, and only
    # the Complete button takes the credits.
    member = funded_member(programme)
    member.user.first_name, member.user.last_name = "Amira", "Haddad"
    member.user.save()
    offer = make_offer(venue, title="Swim")
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "k"})
    redemption = Redemption.objects.get()
    typed = f"{redemption.code[:3].lower()} {redemption.code[3:].lower()}"
    client.force_login(venue_staff(venue))

    till = client.get(f"/organisations/{venue.pk}/redeem/").content.decode()
    looked_up = client.get(f"/organisations/{venue.pk}/redeem/", {"code": typed})

    assert '<form method="get" novalidate>' in till and 'name="code"' in till
    html = looked_up.content.decode()
    assert "Check, then complete" in html
    assert "Amira Haddad" in html and "Swim" in html
    # The code completed is the one shown: sent as it is, not typed again.
    assert re.search(r'<input type="hidden" name="code" value="[^"]+"', html)
    assert Redemption.objects.get().status == "held"

    done = client.post(
        f"/organisations/{venue.pk}/redeem/", {"form": "code", "code": typed, "key": "c"}
    )

    assert done.status_code == 302
    assert Redemption.objects.get().status == "completed"


def test_the_charge_form_offers_only_what_a_pass_can_be_charged_for_now(client, venue):
    # It offered every published offer, first one that is not on today, and charging it was
    # refused with the member's details lost from the page.
    today = timezone.localdate().weekday()
    on = make_offer(venue, title="Swim")
    make_offer(venue, title="Gym induction", days_of_week=Offer.EVERY_DAY & ~(1 << today))
    make_offer(venue, title="Summer pass", valid_until=timezone.localdate() - datetime.timedelta(1))
    client.force_login(venue_staff(venue))

    html = client.get(f"/organisations/{venue.pk}/redeem/").content.decode()

    charge = html[html.index('name="form" value="charge"') :]
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', charge)
    assert options == [(str(on.pk), "Swim")]


def test_charging_an_offer_not_on_now_says_why_and_charges_nothing(client, venue, programme):
    # An offer that closed after the page was drawn: the service's own reason, not "Select a
    # valid choice", and no charge.
    member = funded_member(programme)
    today = timezone.localdate().weekday()
    gym = make_offer(venue, title="Gym", days_of_week=Offer.EVERY_DAY & ~(1 << today))
    client.force_login(venue_staff(venue))
    token = pass_token(member_id=member.pk, pass_version=member.pass_version)
    before = account_balance(account=member_account(member=member))

    response = client.post(
        f"/organisations/{venue.pk}/redeem/",
        {"form": "charge", "pass_token": f"http://x/p/{token}", "offer": gym.pk, "key": "t"},
    )

    assert "not available on this day of the week" in response.content.decode()
    assert not Redemption.objects.exists()
    assert account_balance(account=member_account(member=member)) == before


def test_an_offer_says_its_days_and_its_limit_before_a_code_is_asked_for(client, venue, programme):
    # The limit was told only once a member had reached it, after they asked for a code.
    offer = make_offer(
        venue,
        title="Gym",
        days_of_week=0b0000101,  # Monday and Wednesday
        member_limit=2,
        member_limit_period="week",
    )
    client.force_login(funded_member(programme).user)

    html = client.get(f"/offers/{offer.pk}/").content.decode()

    assert "<dt>Days</dt><dd>Monday, Wednesday</dd>" in html
    assert "<dt>Each member</dt><dd>2 times per week</dd>" in html


def test_an_offer_on_every_day_with_no_limit_says_neither(client, venue, programme):
    offer = make_offer(venue, title="Swim")
    client.force_login(funded_member(programme).user)

    html = client.get(f"/offers/{offer.pk}/").content.decode()

    assert "<dt>Days</dt>" not in html and "<dt>Each member</dt>" not in html


def test_the_till_words_a_refusal_for_its_staff_and_a_reused_page_plainly(client, venue, programme):
    # The services word refusals for the member who spends; staff at the till read them. And a
    # page charged once, then used again from the back button for someone else, was told "That
    # idempotency key was already used for a different request."
    poor, rich = funded_member(programme, minutes=30), funded_member(programme)
    swim = make_offer(venue, title="Swim", cost_minutes=60)
    client.force_login(venue_staff(venue))
    till = f"/organisations/{venue.pk}/redeem/"

    def charge(member, key):
        token = pass_token(member_id=member.pk, pass_version=member.pass_version)
        data = {"form": "charge", "pass_token": f"http://x/p/{token}", "offer": swim.pk}
        return client.post(till, {**data, "key": key}, follow=True).content.decode()

    short = charge(poor, "k1")
    charge(rich, "k2")
    reused = charge(funded_member(programme), "k2")

    assert "The member does not have enough credits for this offer." in short
    assert "This page had already been used for another charge" in reused
    assert "idempotency" not in reused
    assert Redemption.objects.count() == 1


def test_a_member_short_of_credits_is_told_what_they_need_not_offered_a_code(
    client, venue, programme
):
    # "Get a code" led only to "That did not work".
    offer = make_offer(venue, cost_minutes=120)
    member = funded_member(programme, minutes=45)
    client.force_login(member.user)

    page = client.get(f"/offers/{offer.pk}/").content.decode()

    assert "Get a code" not in page
    assert "You need 1.25 credits more for this." in page
    assert Redemption.objects.count() == 0


def test_an_offer_with_a_code_waiting_shows_it_first_and_asks_before_another(
    client, venue, programme
):
    # Back after getting a code, then the button again, held the credits twice unasked.
    offer = make_offer(venue)
    member = funded_member(programme)
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "first"})
    code = Redemption.objects.get()

    page = client.get(f"/offers/{offer.pk}/").content.decode()

    assert "You have a code for this already, still to use." in page
    assert f'href="/me/redemptions/{code.pk}/"' in page
    assert "Get another code" in page and "Get a code<" not in page


def test_checking_an_empty_code_at_the_till_says_to_type_it(client, venue, programme):
    # The page only reloaded, with nothing said.
    client.force_login(venue_staff(venue))

    page = client.get(f"/organisations/{venue.pk}/redeem/?code=").content.decode()

    assert "Type the code from the member’s screen first, then check it." in page  # noqa: RUF001
    assert "not one for this venue" not in page


def test_completing_a_code_cancelled_meanwhile_says_only_why(client, venue, programme):
    # The refusal came with "Type the code from the member's screen first", which it had been.
    offer = make_offer(venue)
    member = funded_member(programme)
    client.force_login(member.user)
    client.post(f"/offers/{offer.pk}/", {"key": "k"})
    redemption = Redemption.objects.get()
    client.post(f"/me/redemptions/{redemption.pk}/cancel")
    client.force_login(venue_staff(venue))

    page = client.post(
        f"/organisations/{venue.pk}/redeem/?code={redemption.code}",
        {"form": "code", "code": redemption.code, "key": "till"},
    ).content.decode()

    assert "cancelled" in page
    assert "Type the code from the member’s screen first" not in page  # noqa: RUF001


def test_a_price_changed_since_the_page_was_drawn_is_not_charged(client, venue, programme):
    # The form sent only its key: the venue raised the price from 1 credit to 50 while the
    # member looked, and 50 were held with no word.
    offer = make_offer(venue, cost_minutes=60)
    member = funded_member(programme)
    client.force_login(member.user)
    page = client.get(f"/offers/{offer.pk}/").content.decode()
    Offer.objects.filter(pk=offer.pk).update(cost_minutes=50 * 60)

    response = client.post(
        f"/offers/{offer.pk}/",
        {"key": "k", "cost": re.search(r'name="cost" value="(\d+)"', page).group(1)},
        follow=True,
    )

    assert response.redirect_chain == [(f"/offers/{offer.pk}/", 302)]
    text = response.content.decode()
    assert "The price changed to 50 credits since you looked." in text
    assert "<strong>50 credits</strong>" in text
    assert Redemption.objects.count() == 0
    assert account_balance(account=member_account(member=member)).available == 300


def test_an_offer_not_on_now_says_why_in_place_of_the_button(client, venue, programme):
    # Offers that had ended were listed, and each page's "Get a code" led to a dead end.
    today = timezone.localdate()
    make_offer(venue, title="Summer swim", valid_until=today - datetime.timedelta(days=1))
    later = make_offer(venue, title="Winter swim", valid_from=today + datetime.timedelta(days=3))
    limited = make_offer(venue, title="Sauna", member_limit=1, member_limit_period="week")
    member = funded_member(programme)
    client.force_login(member.user)
    client.post(f"/offers/{limited.pk}/", {"key": "first"})

    listing = client.get("/offers/").content.decode()
    pages = {o.title: client.get(f"/offers/{o.pk}/").content.decode() for o in (later, limited)}

    assert "Summer swim" not in listing and "Winter swim" in listing
    starts = later.valid_from
    assert f"This offer starts on {starts:%A} {starts.day} {starts:%B %Y}." in pages["Winter swim"]
    assert "Each member can use this offer once per week, and you already have." in pages["Sauna"]
    for page in pages.values():
        assert "Get a code" not in page and "Get another code" not in page
    assert "Show my code" in pages["Sauna"]
    assert Redemption.objects.count() == 1


def test_an_offer_paused_while_the_member_looked_says_so_not_not_found(client, venue, programme):
    offer = make_offer(venue)
    member = funded_member(programme)
    client.force_login(member.user)
    Offer.objects.filter(pk=offer.pk).update(active=False)

    page = client.get(f"/offers/{offer.pk}/")
    tapped = client.post(f"/offers/{offer.pk}/", {"key": "k", "cost": str(offer.cost_minutes)})

    assert page.status_code == tapped.status_code == 409
    for response in (page, tapped):
        assert "The venue has paused this offer for now." in response.content.decode()
    assert Redemption.objects.count() == 0
    # Another programme's offer, paused or not, is still not found.
    other = ProgrammeFactory()
    elsewhere = make_offer(approved_organisation(other, kind=Organisation.Kind.VENUE))
    Offer.objects.filter(pk=elsewhere.pk).update(active=False)
    assert client.get(f"/offers/{elsewhere.pk}/").status_code == 404


def test_accessibility_notes_are_bounded_like_the_description(client, venue, programme):
    client.force_login(venue_staff(venue, StaffMembership.Role.ORG_ADMIN))

    response = client.post(
        f"/organisations/{venue.pk}/offers/", offer_form([programme], accessibility="x" * 2001)
    )

    assert response.status_code == 200
    assert not Offer.objects.filter(organisation=venue).exists()


def test_a_members_codes_come_a_page_at_a_time_newest_first(client, venue, programme, monkeypatch):
    # The page stopped at the newest 100 codes, with no way to the older ones.
    from timecredits.spending import use_cases
    from timecredits.spending.services.redemptions import redemption_create

    monkeypatch.setattr(use_cases, "REDEMPTIONS_PAGE", 2)
    member = funded_member(programme)
    offer = make_offer(venue, cost_minutes=60)
    made = [
        redemption_create(member=member, offer=offer, idempotency_key=f"k{n}")[0] for n in range(3)
    ]
    client.force_login(member.user)

    first = client.get("/me/redemptions/").content.decode()
    second = client.get("/me/redemptions/?page=2").content.decode()

    def shown(page):
        return [int(pk) for pk in re.findall(r'href="/me/redemptions/(\d+)/"', page)]

    assert shown(first) == [made[2].pk, made[1].pk]
    assert shown(second) == [made[0].pk]
    assert 'href="?page=2">Older' in first and 'href="?page=1">Newer' in second
