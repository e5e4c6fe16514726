"""Closing an account forgets the person and keeps what they did, pseudonymously."""

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from tests.factories import MemberFactory
from timecredits.members.models import ConsentRecord

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
    headers = bearer_for(member.user)
    assert rows_containing("Quillfeather") == ["members.User.last_name"]

    response = client.post(
        "/api/v1/members/me/close",
        {"confirm": True},
        content_type="application/json",
        headers=headers,
    )

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
