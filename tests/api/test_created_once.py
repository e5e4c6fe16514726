"""Every API route that makes something (a member, an activity, sessions, an offer, ...) takes an
optional Idempotency-Key: sent again with it, the request makes nothing more and answers what
the first made; the same key with other details is a conflict. Each is sent as it is in the
permission matrix, by platform staff, whom every one of them lets through."""

import pytest

from tests.api import test_permission_matrix as matrix

REQUESTS, _changes, _fill = matrix.REQUESTS, matrix._changes, matrix._fill
world = matrix.world

# The routes built by api.routes.create_route, and the offers' own.
CREATES = [
    "org_register",
    "programme_apply",
    "question_add",
    "activity_add",
    "session_add",
    "proxy_add",
    "offer_add",
]


def _sender(client, world, action):
    users, ids = world
    client.force_login(users["staff"])
    _method, path, body = REQUESTS[action]
    url = "/api/v1" + _fill(path, ids)

    def send(key=None, **changed):
        headers = {"Idempotency-Key": key} if key else {}
        data = {**_fill(body, ids), **changed}
        return client.post(url, data, content_type="application/json", headers=headers)

    return send


@pytest.mark.parametrize("action", CREATES)
def test_a_create_sent_again_with_its_key_makes_nothing_more_and_answers_the_same(
    client, db, world, action
):
    send = _sender(client, world, action)

    first = send("sent-once")
    made = _changes()
    again = send("sent-once")

    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert again.json() == first.json()
    assert _changes() == made, "the request sent again wrote to the database"


def test_the_same_key_with_other_details_is_a_conflict_that_makes_nothing(client, db, world):
    send = _sender(client, world, "activity_add")
    assert send("one-activity").status_code == 201
    before = _changes()

    other = send("one-activity", title="Beach clean")

    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"
    assert _changes() == before


def test_without_a_key_each_request_makes_its_own(client, db, world):
    send = _sender(client, world, "activity_add")

    first, second = send(), send()

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
