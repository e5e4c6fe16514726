"""Domain errors' messages are translation-ready: with a Welsh catalogue installed, the API and the
error page speak Welsh, while the default stays English.

The catalogue is compiled here into a real .mo file in a temporary LOCALE_PATHS folder (the project
has no Welsh translations yet), so these tests exercise gettext exactly as production would. The
Welsh is a stand-in written for the test, not the translators' wording.
"""

import struct

import pytest
from django.test import override_settings
from django.utils import translation

from ledger.errors import InsufficientCredit
from tests.factories import MemberFactory, OrganisationFactory

WELSH = {
    "There are not enough credits for that.": "Nid oes digon o gredydau ar gyfer hynny.",
    "That offer is not available.": "Nid yw'r cynnig hwnnw ar gael.",
    "Wrong username or password.": "Enw defnyddiwr neu gyfrinair anghywir.",
    "This endpoint does not accept %(method)s.": "Nid yw'r pwynt terfyn hwn yn derbyn %(method)s.",
    "You are not allowed to do that.": "Ni chewch wneud hynny.",
}


def write_mo(path, catalogue: dict[str, str]) -> None:
    """A GNU .mo file (the format msgfmt writes), with a UTF-8 header and no hash table."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **catalogue}
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    count = len(keys)
    start = 7 * 4 + 16 * count
    offsets, blob = [], b""
    for text in ids + strs:
        offsets.append((len(text), start + len(blob)))
        blob += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    table = b"".join(struct.pack("<2I", *pair) for pair in offsets)
    path.write_bytes(header + table + blob)


@pytest.fixture
def welsh_catalogue(tmp_path):
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", WELSH)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def test_a_default_message_is_translated_when_shown_not_when_raised(welsh_catalogue):
    refused = InsufficientCredit()

    with translation.override("cy"):
        welsh = str(refused.message)
    with translation.override("en-gb"):
        english = str(refused.message)

    assert welsh == "Nid oes digon o gredydau ar gyfer hynny."
    assert english == "There are not enough credits for that."


def test_an_api_error_from_a_raise_site_comes_out_in_welsh(welsh_catalogue, api_client, user):
    response = api_client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "nope"},
        content_type="application/json",
        headers={"accept-language": "cy"},
    )

    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "Enw defnyddiwr neu gyfrinair anghywir.",
        "detail": None,
    }


def test_an_api_error_with_a_default_message_is_plain_welsh_text(
    welsh_catalogue, api_client, bearer_for, user
):
    headers = bearer_for(user)

    response = api_client.patch(
        "/api/v1/offers/999999",
        {},
        content_type="application/json",
        headers={**headers, "accept-language": "cy"},
    )

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "offer_not_found",
        "message": "Nid yw'r cynnig hwnnw ar gael.",
        "detail": None,
    }


def test_a_placeholder_is_filled_in_after_translation(welsh_catalogue, api_client):
    response = api_client.delete("/api/v1/me", headers={"accept-language": "cy"})

    assert response.status_code == 405
    assert response.json()["error"]["message"] == "Nid yw'r pwynt terfyn hwn yn derbyn DELETE."


def test_the_error_page_shows_a_default_message_in_welsh(welsh_catalogue, client, db):
    organisation = OrganisationFactory()
    client.force_login(MemberFactory().user)

    welsh = client.get(f"/organisations/{organisation.pk}/", headers={"accept-language": "cy"})
    english = client.get(f"/organisations/{organisation.pk}/", headers={"accept-language": "en"})

    assert welsh.status_code == english.status_code == 403
    assert '<p role="alert">Ni chewch wneud hynny.</p>' in welsh.content.decode()
    assert '<p role="alert">You are not allowed to do that.</p>' in english.content.decode()
