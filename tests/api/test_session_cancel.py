"""Cancelling a session through the API, and putting it back."""

import datetime
import uuid

import pytest
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import SessionFactory, StaffMembershipFactory
from timecredits.activities.models import Session

pytestmark = pytest.mark.django_db


def _upcoming(count):
    series = uuid.uuid4()
    start = timezone.now() + datetime.timedelta(days=1)
    first = SessionFactory(starts_at=start, series=series)
    return [first] + [
        SessionFactory(
            activity=first.activity,
            series=series,
            starts_at=start + datetime.timedelta(weeks=n),
            ends_at=first.ends_at + datetime.timedelta(weeks=n),
        )
        for n in range(1, count)
    ]


def test_the_api_cancels_the_rest_of_a_series_and_puts_a_session_back(client, bearer_for):
    sessions = _upcoming(3)
    coordinator = StaffMembershipFactory(
        organisation=sessions[0].activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    headers = bearer_for(coordinator)

    cancelled = client.post(
        f"/api/v1/sessions/{sessions[1].pk}/cancel",
        {"series": True},
        content_type="application/json",
        headers=headers,
    )
    back = client.post(f"/api/v1/sessions/{sessions[2].pk}/reinstate", headers=headers)  # no body

    assert cancelled.status_code == 200
    assert [s["id"] for s in cancelled.json()] == [sessions[1].pk, sessions[2].pk]
    assert all(s["cancelled_at"] for s in cancelled.json())
    assert (back.status_code, back.json()["cancelled_at"]) == (200, None)
    off = Session.objects.filter(cancelled_at__isnull=False).values_list("pk", flat=True)
    assert list(off) == [sessions[1].pk]


def test_the_api_refuses_to_cancel_a_session_under_way_and_changes_nothing(client, bearer_for):
    session = SessionFactory()  # started half an hour ago
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user

    response = client.post(
        f"/api/v1/sessions/{session.pk}/cancel",
        content_type="application/json",
        headers=bearer_for(coordinator),
    )

    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "session_started"
    assert Session.objects.get().cancelled_at is None
