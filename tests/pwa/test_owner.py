"""Every page says whom it was drawn for, as an opaque mark the service worker and the offline
scans keep things for (timecredits/pwa/owner.py)."""

import pytest

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_each_page_names_its_person_by_a_mark_that_is_not_their_account(client):
    amira, ben = MemberFactory(), MemberFactory()

    client.force_login(amira.user)
    home, scan = client.get("/"), client.get("/scan/")
    client.force_login(ben.user)
    bens = client.get("/")
    client.logout()
    nobodys = client.get("/sign-in/")

    mark = home["Signed-In-As"]
    assert len(mark) == 20 and scan["Signed-In-As"] == mark
    assert str(amira.user.pk) != mark and amira.code not in mark
    assert f'data-owner="{mark}"' in home.content.decode()
    assert bens["Signed-In-As"] not in ("", mark)
    assert nobodys["Signed-In-As"] == ""


def test_the_answer_to_signing_in_names_who_is_signed_in_now(client, password):
    member = MemberFactory()
    client.force_login(MemberFactory().user)

    signed_in = client.post("/sign-in/", {"username": member.user.username, "password": password})

    assert signed_in.status_code == 302
    assert signed_in["Signed-In-As"] == client.get("/")["Signed-In-As"] != ""
