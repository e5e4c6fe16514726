"""A commissioner sees only suppressed figures and no one's identity, on every channel; an
organisation's own staff see its figures as they are; everyone else gets the error shape."""

import pytest

from tests.factories import MemberFactory, ProgrammeRoleFactory, StaffMembershipFactory
from tests.reports.conftest import coordinator_of

QUERY = "from=2026-03-01&to=2026-03-31"


def _channels(world):
    programme = world["programme"]
    return {
        "api": f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}",
        "api_csv": f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}&format=csv",
        "page": f"/programmes/{programme.pk}/reports/?period=month&month=2026-03",
        "page_csv": f"/programmes/{programme.pk}/reports/?period=month&month=2026-03&format=csv",
    }


@pytest.mark.parametrize("channel", ["api", "api_csv", "page", "page_csv"])
def test_a_commissioner_never_gets_a_small_count_or_an_identity(
    client, world, commissioner, channel
):
    client.force_login(commissioner)

    response = client.get(_channels(world)[channel])

    assert response.status_code == 200
    text = response.content.decode()
    for member in world["members"]:
        for secret in (member.code, member.user.email):
            assert secret not in text
        assert member.user.first_name not in text
        assert member.user.last_name not in text
    assert "suppressed" in text.lower()


def test_the_api_hides_every_small_figure_for_a_commissioner(client, world, commissioner):
    client.force_login(commissioner)

    report = client.get(_channels(world)["api"]).json()

    figures = {f["key"]: (f["value"], f["suppressed"]) for f in report["figures"]}
    assert figures["active_members"] == (None, "small")
    assert figures["hours_given"] == (None, "small")
    assert figures["credits_earned_minutes"] == (None, "small")
    # The sessions and groups of people too few to show: a filter left to one person would
    # give their days and groups.
    assert figures["sessions_held"] == (None, "small")
    assert figures["active_organisations"] == (None, "small")
    assert report["suppressed"] is True
    for table in report["tables"]:
        for row in [*table["rows"], {"values": table["total"]}]:
            members = row["values"].get("members")
            assert members is None or members == 0 or members >= 5


def test_an_organisations_coordinator_sees_its_own_activity_as_it_is_and_the_rest_suppressed(
    client, world
):
    """What they see person by person on their sessions' pages already, as it is; members'
    answers, areas and balances, suppressed: a privacy probe read one attendee's ethnicity and
    balance from a one-day report."""
    group_a, _ = world["groups"]
    coordinator = coordinator_of(group_a)
    client.force_login(coordinator)

    response = client.get(f"/api/v1/organisations/{group_a.pk}/reports/outputs?{QUERY}")

    assert response.status_code == 200, response.content
    report = response.json()
    figures = {f["key"]: f["value"] for f in report["figures"]}
    assert (figures["active_members"], figures["hours_given"]) == (3, 4.5)
    assert figures["credits_earned_minutes"] == 270
    assert report["suppressed"] is True
    tables = {t["name"]: t for t in report["tables"]}
    for name in ("area", "age_band", "gender"):
        for row in [*tables[name]["rows"], {"values": tables[name]["total"]}]:
            members = row["values"].get("members")
            assert members is None or members == 0 or members >= 5, (name, row)


def test_narrowed_by_an_answer_an_organisations_own_figures_are_all_suppressed(client, world):
    """Else 'active members: 1' under ethnicity=asian on a day one person came is their
    answer."""
    group_a, _ = world["groups"]
    client.force_login(coordinator_of(group_a))

    report = client.get(
        f"/api/v1/organisations/{group_a.pk}/reports/outputs?{QUERY}&gender=woman"
    ).json()

    figures = {f["key"]: (f["value"], f["suppressed"]) for f in report["figures"]}
    assert figures["active_members"][0] is None or figures["active_members"][0] >= 5
    assert figures["hours_given"][0] is None or figures["active_members"][0] is not None


@pytest.mark.parametrize("who", ["member", "other_commissioner", "coordinator"])
def test_others_are_refused_in_the_error_shape(client, world, who):
    from tests.factories import ProgrammeFactory

    group_a, _ = world["groups"]
    user = {
        "member": lambda: MemberFactory(programme=world["programme"]).user,
        "other_commissioner": lambda: ProgrammeRoleFactory(programme=ProgrammeFactory()).user,
        "coordinator": lambda: StaffMembershipFactory(organisation=group_a).user,
    }[who]()
    client.force_login(user)

    for channel in ("api", "api_csv"):
        response = client.get(_channels(world)[channel])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert client.get(_channels(world)["page"]).status_code == 403


def test_a_commissioner_cannot_read_an_organisations_own_report(client, world, commissioner):
    group_a, _ = world["groups"]
    client.force_login(commissioner)

    response = client.get(f"/api/v1/organisations/{group_a.pk}/reports/outputs?{QUERY}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_period_that_ends_before_it_starts_is_refused(client, world, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/api/v1/programmes/{world['programme'].pk}/reports/outputs?from=2026-03-31&to=2026-03-01"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_an_organisation_outside_the_programme_is_refused_not_shown_as_zeros(
    client, world, commissioner
):
    from tests.factories import OrganisationFactory

    outsider = OrganisationFactory(name="Elsewhere Choir")
    client.force_login(commissioner)

    response = client.get(f"{_channels(world)['api']}&organisation={outsider.pk}")

    assert response.status_code == 422
    assert response.json()["error"]["detail"] == {"field": "organisation"}
