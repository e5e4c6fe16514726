"""Closing an account forgets the person and keeps what they did, pseudonymously."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from ledger.models import Transfer
from ledger.selectors import (
    member_account,
    organisation_account,
    programme_account,
)
from ledger.services import hold_create
from ledger.verify import ledger_verify
from partners.models import Invitation, Participation
from tests.credits.conftest import earn
from tests.factories import (
    ContributionFactory,
    MemberFactory,
    OrganisationFactory,
    SessionFactory,
)
from timecredits.credits.services.gifts import gift_to_member
from timecredits.members.models import ConsentRecord
from timecredits.surveys.instruments import load_built_in_instruments
from timecredits.surveys.models import Question, Response

pytestmark = pytest.mark.django_db


def rows_containing(text: str) -> list[str]:
    """Every row, in every table Django knows, with `text` in any text column."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for field in text_fields:
            as_text = model.objects.annotate(_as_text=Cast(field, models.TextField()))
            if as_text.filter(_as_text__icontains=text).exists():
                found.append(f"{model._meta.label}.{field}")
    return found


def close_account(client, headers, body):
    return client.post(
        "/api/v1/members/me/close", body, content_type="application/json", headers=headers
    )


def lived_in(member):
    """What a member leaves behind in other tables: staff invitations to their address (one
    open, one accepted), time at a session, a gift with a message, a survey answer."""
    organisation = OrganisationFactory()
    Invitation.objects.create(
        organisation=organisation, email=member.user.email.upper(), role="coordinator"
    )
    accepted = Invitation.objects.create(
        organisation=organisation,
        email=member.user.email,
        role="venue_staff",
        accepted_at=timezone.now(),
        accepted_by=member.user,
    )
    session = SessionFactory(activity__programme=member.programme)
    contribution = ContributionFactory(
        member=member,
        session=session,
        minutes=120,
        checked_out_at=session.ends_at,
        note="Set up the tables",
    )
    earn(member, 150)
    friend = MemberFactory(programme=member.programme)
    gift_to_member(
        actor=member.user,
        recipient=friend,
        minutes=60,
        message="Thanks for the lift",
        idempotency_key="thanks",
    )
    load_built_in_instruments()
    Response.objects.create(
        member=member,
        question=Question.objects.get(key="life_satisfaction"),
        wave=0,
        value="8",
        number=8,
        answered_at=timezone.now(),
    )
    return accepted, contribution


def test_closing_erases_name_email_and_phone_everywhere(client, bearer_for):
    member = MemberFactory(
        user__first_name="Zephyrine",
        user__last_name="Quillfeather",
        user__email="zephyrine.q@example.org",
        user__phone="+447700900555",
        postcode="CF10 1AA",
        area="CF10",
        age_band="25_34",
    )
    accepted, contribution = lived_in(member)
    headers = bearer_for(member.user)
    assert rows_containing("Quillfeather") == ["members.User.last_name"]
    assert rows_containing("zephyrine.q@example.org") == [
        "members.User.email",
        "partners.Invitation.email",
    ]

    response = close_account(client, headers, {"confirm": True})

    assert response.status_code == 200, response.content
    for personal in [
        "Zephyrine",
        "Quillfeather",
        "zephyrine.q@example.org",
        "+447700900555",
        "CF10 1AA",
    ]:
        assert rows_containing(personal) == [], personal
    member.refresh_from_db()
    assert member.closed_at is not None
    assert member.age_band == ""
    assert not member.user.is_active
    assert list(ConsentRecord.objects.filter(member=member).values_list("purpose", "granted"))[
        -2:
    ] == [
        ("reports", False),
        ("surveys", False),
    ]
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert list(Invitation.objects.values_list("pk", "email", "accepted_by")) == [
        (accepted.pk, "", member.user.pk)
    ]
    contribution.refresh_from_db()
    assert (contribution.status, contribution.note) == ("rejected", "Set up the tables")
    assert not Response.objects.filter(member=member).exists()  # "and answers about you"
    assert Transfer.objects.get(kind="gift").memo == "Thanks for the lift"
    assert ledger_verify().problems == []


def test_closing_needs_confirmation_and_changes_nothing_without_it(client):
    member = MemberFactory(user__last_name="Stays")
    client.force_login(member.user)

    response = client.post(
        "/api/v1/members/me/close", {"confirm": False}, content_type="application/json"
    )

    assert response.status_code == 422
    member.refresh_from_db()
    assert member.closed_at is None
    assert member.user.last_name == "Stays"


def test_closing_on_the_web_signs_out(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.post("/me/close/", {"confirm": "on"}, follow=True)

    assert "Your account is closed" in response.content.decode()
    assert response.context["user"].is_anonymous
    member.refresh_from_db()
    assert member.closed_at is not None


def test_closing_donates_the_balance_to_the_chosen_group_and_keeps_the_ledger_clean(
    client, bearer_for
):
    member = MemberFactory()
    group = OrganisationFactory()
    Participation.objects.create(
        programme=member.programme, organisation=group, status=Participation.Status.APPROVED
    )
    earn(member, 150)

    response = close_account(
        client, bearer_for(member.user), {"confirm": True, "donate_to_organisation_id": group.pk}
    )

    assert response.status_code == 200, response.content
    account = member_account(member=member)
    assert (account.balance, account.closed_at is not None) == (0, True)
    assert organisation_account(organisation=group).balance == 150
    donation = Transfer.objects.get(kind="donate")
    assert (donation.debit_account_id, donation.amount) == (account.pk, 150)
    assert ledger_verify().problems == []


def test_without_a_choice_the_balance_goes_to_the_programme_pool(client, bearer_for):
    member = MemberFactory()
    earn(member, 60)

    response = close_account(client, bearer_for(member.user), {"confirm": True})

    assert response.status_code == 200, response.content
    pool = programme_account(programme=member.programme, kind="pool")
    assert pool.balance == 60
    assert ledger_verify().problems == []


def test_a_group_outside_the_programme_is_refused_and_nothing_changes(client, bearer_for):
    member = MemberFactory(user__last_name="Stays")
    elsewhere = OrganisationFactory()
    earn(member, 60)

    response = close_account(
        client,
        bearer_for(member.user),
        {"confirm": True, "donate_to_organisation_id": elsewhere.pk},
    )

    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "donate_to_organisation_id"
    member.refresh_from_db()
    assert (member.closed_at, member.user.last_name) == (None, "Stays")
    assert member_account(member=member).balance == 60


def test_credits_on_hold_stop_a_closure_and_nothing_changes(client, bearer_for):
    member = MemberFactory(user__last_name="Stays")
    earn(member, 120)
    venue = OrganisationFactory(kind="venue")
    hold_create(
        debit=member_account(member=member),
        credit=organisation_account(organisation=venue),
        amount=60,
        kind="spend",
        idempotency_key="booking",
        timeout=datetime.timedelta(minutes=30),
    )

    response = close_account(client, bearer_for(member.user), {"confirm": True})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "credits_on_hold"
    member.refresh_from_db()
    assert (member.closed_at, member.user.last_name) == (None, "Stays")
    account = member_account(member=member)
    assert (account.balance, account.debits_pending, account.closed_at) == (120, 60, None)
    assert not Transfer.objects.filter(kind="donate").exists()
    # The page says so before they try: it told them only after they ticked and sent.
    client.force_login(member.user)
    page = client.get("/me/close/").content.decode()
    assert "On hold for a code you have not used yet: 1 credit." in page
    assert 'href="/me/redemptions/"' in page
