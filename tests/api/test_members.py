"""Joining, profile, consents, demographics and data export through the API."""

import json

import pytest
from django.utils import timezone

from ledger.models import Account
from partners.models import Organisation
from tests.factories import MemberFactory, ProgrammeFactory, UserFactory, approved_organisation
from tests.reports.surveyed import answer, built_in
from tests.spending.conftest import funded_member, make_offer
from timecredits.members.models import ConsentRecord, Member, User
from timecredits.notifications.models import EmailOptOut
from timecredits.notifications.services import notify
from timecredits.spending.services.redemptions import redemption_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/members"
STRONG = "a long and unusual passphrase"


def _sign_up(client, programme, **overrides):
    body = {
        "programme": programme.slug,
        "first_name": "Amira",
        "last_name": "Hassan",
        "email": "amira@example.org",
        "password": STRONG,
        "accept_terms": True,
        "reports_consent": True,
        "surveys_consent": False,
        "new_to_volunteering": True,
        "demographics": {"age_band": "25_34", "postcode": "cf10 1aa"},
    }
    body.update(overrides)
    return client.post(URL, body, content_type="application/json")


def test_joining_creates_member_user_and_consent_records(client):
    programme = ProgrammeFactory()

    response = _sign_up(client, programme)

    assert response.status_code == 201, response.content
    member = Member.objects.get()
    body = response.json()
    assert body["code"] == member.code
    assert body["demographics"]["postcode"] == "CF10 1AA"
    assert member.area == "CF10"
    assert member.new_to_volunteering is True
    assert (member.reports_consent, member.surveys_consent) == (True, False)
    assert list(ConsentRecord.objects.values_list("purpose", "granted")) == [
        ("terms", True),
        ("reports", True),
        ("surveys", False),
    ]
    assert member.user.check_password(STRONG)
    account = Account.objects.get(member=member)
    assert (account.kind, account.has_floor, account.balance) == ("member", True, 0)


def test_a_new_member_signs_in_with_email_or_phone(client):
    programme = ProgrammeFactory()
    _sign_up(client, programme, phone="07700 900123")

    for identifier in ["AMIRA@example.org", "+447700900123", "07700900123"]:
        response = client.post(
            "/api/v1/auth/token",
            {"username": identifier, "password": STRONG},
            content_type="application/json",
        )
        assert response.status_code == 201, identifier


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"email": "taken@example.org"},
            "email",
            "This email address is already registered. Try signing in.",
        ),
        ({"password": "password123"}, "password", "This password is too common."),
        (
            {"password": "short"},
            "password",
            "This password is too short. It must contain at least 10 characters.",
        ),
        (
            {"demographics": {"postcode": "NOT A POSTCODE"}},
            "postcode",
            "Enter a UK postcode, like CF10 1AA, or leave it blank.",
        ),
        ({"accept_terms": False}, "accept_terms", "You need to agree to the terms of use to join."),
        (
            {"email": "", "phone": ""},
            "email",
            "Enter an email address or a phone number, so you can sign in.",
        ),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org."),
        ({"phone": "12345"}, "phone", "Enter a UK phone number, like 07700 900123."),
        ({"demographics": {"gender": "robot"}}, "gender", "Choose one of the answers offered."),
        ({"first_name": " "}, "first_name", "Enter your first name."),
    ],
)
def test_invalid_sign_up_is_422_with_the_field_and_creates_nothing(
    client, overrides, field, message
):
    UserFactory(email="taken@example.org")
    users_before = User.objects.count()

    response = _sign_up(client, ProgrammeFactory(), **overrides)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"field": field, "message": message} in error["detail"]
    assert User.objects.count() == users_before
    assert Member.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert not Account.objects.filter(kind="member").exists()


def test_missing_consent_field_entirely_is_422(client):
    body = {
        "programme": ProgrammeFactory().slug,
        "first_name": "A",
        "email": "a@example.org",
        "password": STRONG,
    }

    response = client.post(URL, body, content_type="application/json")

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["detail"]] == ["payload.accept_terms"]
    assert Member.objects.count() == 0


def test_unknown_programme_is_404(client):
    response = client.post(
        URL,
        {"programme": "nope", "first_name": "A", "password": STRONG, "accept_terms": True},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "programme_not_found"


def test_withdrawing_consent_is_recorded_and_current(client):
    member = MemberFactory(reports_consent=True, surveys_consent=True)
    client.force_login(member.user)

    response = client.put(
        f"{URL}/me/consents", {"reports": False, "surveys": True}, content_type="application/json"
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.reports_consent, member.surveys_consent) == (False, True)
    assert list(member.consent_records.values_list("purpose", "granted")) == [("reports", False)]


def test_demographics_can_be_answered_declined_or_cleared(client):
    member = MemberFactory(age_band="25_34")
    client.force_login(member.user)

    response = client.put(
        f"{URL}/me/demographics",
        {"age_band": "", "gender": "prefer_not_to_say", "postcode": "SW1A 1AA"},
        content_type="application/json",
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.age_band, member.gender, member.postcode, member.area) == (
        "",
        "prefer_not_to_say",
        "SW1A 1AA",
        "SW1A",
    )


def test_bad_demographics_change_nothing(client):
    member = MemberFactory(age_band="25_34", postcode="CF10 1AA", area="CF10")
    client.force_login(member.user)

    response = client.put(
        f"{URL}/me/demographics",
        {"age_band": "18_24", "postcode": "ZZZ"},
        content_type="application/json",
    )

    assert response.status_code == 422
    member.refresh_from_db()
    assert (member.age_band, member.postcode) == ("25_34", "CF10 1AA")


def test_profile_email_cannot_take_someone_elses(client):
    UserFactory(email="other@example.org")
    member = MemberFactory(user__email="me@example.org")
    client.force_login(member.user)

    response = client.put(
        f"{URL}/me",
        {"first_name": "Me", "email": "OTHER@example.org"},
        content_type="application/json",
    )

    assert response.status_code == 422
    member.user.refresh_from_db()
    assert member.user.email == "me@example.org"


def test_export_holds_my_data_and_nobody_elses(client):
    member = MemberFactory(user__first_name="Zebedee", postcode="CF10 1AA")
    other = MemberFactory(user__first_name="Ottoline")
    client.force_login(member.user)

    response = client.get(f"{URL}/me/export")

    assert response.status_code == 200
    data = response.json()
    assert data["member"]["code"] == member.code
    assert data["profile"]["first_name"] == "Zebedee"
    assert data["demographics"]["postcode"] == "CF10 1AA"
    assert other.code not in response.content.decode()
    assert "Ottoline" not in response.content.decode()


def test_export_holds_everything_held_about_me(client):
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Lido")
    member = funded_member(programme, minutes=120)
    other = funded_member(programme, minutes=120)
    offer = make_offer(venue, title="Early swim")
    redemption_create(member=member, offer=offer, idempotency_key="swim")
    redemption_create(member=other, offer=offer, idempotency_key="swim")
    answer(member, built_in("ons4", "life_satisfaction"), 0, 7, timezone.now())
    notify(member=member, kind="gift_received", title="Someone gave you credits")
    EmailOptOut.objects.create(member=member, kind="gift_received")
    client.force_login(member.user)

    data = client.get(f"{URL}/me/export").json()

    assert [(r["offer"], r["venue"], r["cost_minutes"]) for r in data["redemptions"]] == [
        ("Early swim", "Lido", 60)
    ]
    assert data["credits"]["on_hold"] == 60
    assert [(a["wave"], a["value"]) for a in data["survey_answers"]] == [(0, "7")]
    assert [n["title"] for n in data["notifications"]] == ["Someone gave you credits"]
    assert data["emails_turned_off"] == ["gift_received"]
    assert data["expiry_warnings"] == []
    assert other.code not in json.dumps(data)
