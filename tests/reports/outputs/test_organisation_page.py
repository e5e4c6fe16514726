"""An organisation's own figures page: its coordinators see them as they are; nobody else does."""

import pytest

from tests.reports.conftest import commissioner_of, coordinator_of

MARCH = "period=month&month=2026-03"


def _coordinator(organisation):
    return coordinator_of(organisation)


def test_a_coordinator_sees_their_organisations_small_activity_figures_as_they_are(client, world):
    group_a, _ = world["groups"]
    client.force_login(_coordinator(group_a))

    page = client.get(f"/organisations/{group_a.pk}/reports/?{MARCH}")
    csv = client.get(f"/organisations/{group_a.pk}/reports/?{MARCH}&format=csv")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Our figures: Allotment Friends" in html
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert "figures,Active members,,3," in lines
    assert "figures,Hours given,,4.5," in lines


def test_the_organisation_page_links_its_staff_to_their_figures(client, world):
    group_a, _ = world["groups"]
    client.force_login(_coordinator(group_a))

    html = client.get(f"/organisations/{group_a.pk}/").content.decode()

    assert f"/organisations/{group_a.pk}/reports/" in html


@pytest.mark.parametrize("who", ["other_coordinator", "commissioner"])
def test_others_cannot_read_an_organisations_own_figures(client, world, who):
    group_a, group_b = world["groups"]
    user = {
        "other_coordinator": lambda: _coordinator(group_b),
        "commissioner": lambda: commissioner_of(world["programme"]),
    }[who]()
    client.force_login(user)

    for query in (MARCH, f"{MARCH}&format=csv"):
        response = client.get(f"/organisations/{group_a.pk}/reports/?{query}")
        assert response.status_code == 403
        assert "Allotment Friends" not in response.content.decode()


def test_a_programme_the_organisation_is_not_in_is_refused(client, world):
    from tests.factories import ProgrammeFactory

    group_a, _ = world["groups"]
    client.force_login(_coordinator(group_a))

    response = client.get(
        f"/organisations/{group_a.pk}/reports/?{MARCH}&programme={ProgrammeFactory().pk}"
    )

    assert response.status_code == 400
    assert "Say which programme" in response.content.decode()
