"""Sign-ups per client address are sized for a room of people joining on one Wi-Fi."""

import pytest

from tests.clock import moved_clock
from tests.factories import ProgrammeFactory
from timecredits.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    # The limits count in fixed windows: on the real clock one could end mid-test.
    return moved_clock(monkeypatch)


URL = "/api/v1/members"


def _sign_up(client, programme, n, **extra):
    body = {
        "programme": programme.slug,
        "first_name": f"Person {n}",
        "email": f"person{n}@example.org",
        "password": "a long and unusual passphrase",
        "accept_terms": True,
    }
    return client.post(URL, body, content_type="application/json", **extra)


def test_thirty_people_joining_from_one_address_all_get_in(client):
    programme = ProgrammeFactory()

    statuses = [_sign_up(client, programme, n).status_code for n in range(30)]

    assert statuses == [201] * 30
    assert Member.objects.count() == 30


def test_past_the_hourly_limit_an_address_gets_429_and_nothing_is_written(client, settings):
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 3
    programme = ProgrammeFactory()
    for n in range(3):
        assert _sign_up(client, programme, n).status_code == 201

    refused = _sign_up(client, programme, 3)

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Member.objects.count() == 3


def test_the_limit_counts_the_address_our_proxy_saw_not_a_forged_one(client, settings):
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 3
    settings.TRUSTED_PROXY_COUNT = 1
    programme = ProgrammeFactory()

    statuses = [
        _sign_up(
            client, programme, n, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [201, 201, 201, 429]
    assert Member.objects.count() == 3
