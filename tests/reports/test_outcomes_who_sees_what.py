"""The outcome report: a commissioner sees only suppressed figures and no one's identity, on
every channel; an organisation's own staff see its figures as they are; others get the error
shape; bad input is refused and changes nothing."""

import json

import pytest

from partners.models import StaffMembership
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
)
from tests.reports.conftest import give, session
from tests.reports.surveyed import JANUARY, answer, answer_all, built_in, when
from timecredits.programmes.models import ProgrammeRole
from timecredits.surveys.instruments import SWEMWBS_COPYRIGHT
from timecredits.surveys.models import Response

QUERY = "from=2026-03-01&to=2026-03-31"
SWEMWBS_ITEMS = ["optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"]


@pytest.fixture
def surveyed(world):
    """Seven consenting members answer life satisfaction and SWEMWBS in January and in March;
    two of them gave time at the first group in March. One who does not consent answers too."""
    programme = world["programme"]
    group_a, _ = world["groups"]
    members = [
        MemberFactory(
            programme=programme,
            user__first_name=f"Ozymandias{i}",
            user__last_name=f"Threlkeld{i}",
        )
        for i in range(7)
    ]
    hidden = MemberFactory(programme=programme, reports_consent=False)
    life = built_in("ons4", "life_satisfaction")
    for member, after in zip([*members, hidden], [8, 8, 8, 8, 8, 3, 6, 0], strict=True):
        answer(member, life, 0, 5, when(JANUARY, 1))
        answer(member, life, 3, after, when(15))
        answer_all(member, "swemwbs", dict.fromkeys(SWEMWBS_ITEMS, 3), 0, when(JANUARY, 1))
        answer_all(member, "swemwbs", dict.fromkeys(SWEMWBS_ITEMS, 4), 3, when(15))
    garden = ActivityFactory(programme=programme, organisation=group_a)
    for member in members[5:]:
        give(member, session(garden, 4), 60)
    return {"programme": programme, "members": [*members, hidden], "groups": world["groups"]}


def _channels(programme):
    return {
        "api": f"/api/v1/programmes/{programme.pk}/reports/outcomes?{QUERY}",
        "api_csv": f"/api/v1/programmes/{programme.pk}/reports/outcomes?{QUERY}&format=csv",
        "page": f"/programmes/{programme.pk}/reports/outcomes/?period=month&month=2026-03",
        "page_csv": (
            f"/programmes/{programme.pk}/reports/outcomes/?period=month&month=2026-03&format=csv"
        ),
    }


@pytest.fixture
def commissioner(world):
    return ProgrammeRoleFactory(
        programme=world["programme"], role=ProgrammeRole.Role.COMMISSIONER
    ).user


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@pytest.mark.parametrize("channel", ["api", "api_csv", "page", "page_csv"])
def test_a_commissioner_gets_no_identity_and_the_swemwbs_copyright_everywhere(
    client, surveyed, commissioner, channel
):
    client.force_login(commissioner)

    response = client.get(_channels(surveyed["programme"])[channel])

    assert response.status_code == 200, response.content
    text = response.content.decode()
    if channel == "api":  # as a reader sees it, not as JSON escapes it
        text = json.dumps(response.json(), ensure_ascii=False)
    for member in surveyed["members"]:
        for secret in (member.code, member.user.email, member.user.first_name):
            assert secret not in text
        assert member.user.last_name not in text
    assert "suppressed" in text.lower()
    assert SWEMWBS_COPYRIGHT in text


def test_a_commissioner_never_gets_a_small_count(client, surveyed, commissioner):
    client.force_login(commissioner)

    report = client.get(_channels(surveyed["programme"])["api"]).json()

    assert report["suppressed"] is True
    nodes = list(_walk(report))
    assert not any({"member", "member_id", "code", "email", "user"} & set(n) for n in nodes[1:])
    counts = [n["values"]["members"] for n in nodes if "values" in n and "members" in n["values"]]
    counts += [n["members"] for n in nodes if set(n) == {"members"}]  # table totals
    counts += [
        n["value"]
        for n in nodes
        if "value" in n and n["key"] in ("respondents", "paired", "improved", "same", "worse")
    ]
    assert len(counts) > 20
    assert all(c is None or c == 0 or c >= 5 for c in counts)
    life = next(m for m in report["measures"] if m["key"] == "ons4.life_satisfaction")
    (follow_up,) = life["waves"]
    figures = {f["key"]: (f["value"], f["suppressed"]) for f in follow_up["figures"]}
    # Bands low 1, medium 1, high 5 of 7: two 1s beside a 5 and the total would pin each other,
    # and a mean beside hidden bands could pin them.
    assert figures == {"respondents": (None, "secondary"), "mean": (None, "derived")}
    assert [r["values"]["members"] for r in follow_up["table"]["rows"]] == [None, None, None, 0]
    swemwbs = next(m for m in report["measures"] if m["key"] == "swemwbs")
    change = {f["key"]: f["value"] for f in swemwbs["changes"][0]["figures"]}
    assert (change["paired"], change["mean_change"], change["improved_percent"]) == (7, 5.78, 100)
    assert swemwbs["copyright"] == SWEMWBS_COPYRIGHT


def test_an_organisations_coordinator_sees_its_own_outcomes_unsuppressed(client, surveyed):
    group_a, _ = surveyed["groups"]
    coordinator = StaffMembershipFactory(
        organisation=group_a, role=StaffMembership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)

    response = client.get(f"/api/v1/organisations/{group_a.pk}/reports/outcomes?{QUERY}")

    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["suppressed"], report["organisation_id"]) == (False, group_a.pk)
    life = next(m for m in report["measures"] if m["key"] == "ons4.life_satisfaction")
    (follow_up,) = life["waves"]
    figures = {f["key"]: f["value"] for f in follow_up["figures"]}
    assert figures == {"respondents": 2, "mean": 4.5}  # 3 and 6


@pytest.mark.parametrize("who", ["member", "other_commissioner", "coordinator"])
def test_others_are_refused_the_programmes_outcomes_in_the_error_shape(client, surveyed, who):
    group_a, _ = surveyed["groups"]
    user = {
        "member": lambda: surveyed["members"][0].user,
        "other_commissioner": lambda: ProgrammeRoleFactory(programme=ProgrammeFactory()).user,
        "coordinator": lambda: StaffMembershipFactory(organisation=group_a).user,
    }[who]()
    client.force_login(user)
    channels = _channels(surveyed["programme"])

    for channel in ("api", "api_csv"):
        response = client.get(channels[channel])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert client.get(channels["page"]).status_code == 403
    assert client.get(channels["page_csv"]).status_code == 403


@pytest.mark.parametrize("who", ["other_coordinator", "commissioner"])
def test_an_organisations_outcomes_are_for_its_own_staff_only(client, surveyed, commissioner, who):
    group_a, group_b = surveyed["groups"]
    user = {
        "other_coordinator": lambda: StaffMembershipFactory(organisation=group_b).user,
        "commissioner": lambda: commissioner,
    }[who]()
    client.force_login(user)

    response = client.get(f"/api/v1/organisations/{group_a.pk}/reports/outcomes?{QUERY}")

    assert response.status_code == 403
    error = response.json()["error"]
    assert (set(error), error["code"]) == ({"code", "message", "detail"}, "forbidden")


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("from=2026-03-31&to=2026-03-01", 422, "invalid"),
        (f"{QUERY}&format=xml", 422, "invalid"),
        ("from=2026-03-01", 422, "invalid"),
        (f"{QUERY}&organisation=999999", 404, "not_found"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client, surveyed, commissioner, query, status, code
):
    client.force_login(commissioner)
    answers = list(Response.objects.order_by("pk").values_list("pk", "value", "answered_at"))

    response = client.get(f"/api/v1/programmes/{surveyed['programme'].pk}/reports/outcomes?{query}")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert list(Response.objects.order_by("pk").values_list("pk", "value", "answered_at")) == (
        answers
    )


def test_the_outputs_page_links_to_the_outcomes(client, surveyed, commissioner):
    client.force_login(commissioner)

    page = client.get(f"/programmes/{surveyed['programme'].pk}/reports/?period=month&month=2026-03")

    assert f"/programmes/{surveyed['programme'].pk}/reports/outcomes/" in page.content.decode()
