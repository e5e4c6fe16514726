"""The outcome report: a commissioner sees only suppressed figures and no one's identity, on
every channel (page, CSV and XLSX from the page and the API, the printable page); an
organisation's own staff see its figures as they are; others get the error shape; bad input is
refused and changes nothing."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
)
from tests.reports.conftest import coordinator_of, give, session, snapshot_built
from tests.reports.surveyed import JANUARY, answer, answer_all, built_in, when
from timecredits.surveys.instruments import SWEMWBS_COPYRIGHT
from timecredits.surveys.models import Response

QUERY = "from=2026-03-01&to=2026-03-31"
MONTH = "period=month&month=2026-03"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SMALL = "fewer people than the programme's threshold"
SECONDARY = "hidden so that the total cannot reveal another hidden cell"
DERIVED = "hidden because a count it comes from is hidden"
LIFE = "Overall, how satisfied are you with your life nowadays?"
WELLBEING = "Mental wellbeing (SWEMWBS metric score, 7 to 35)"
SWEMWBS_ITEMS = ["optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"]


def _main(html: str) -> str:
    """The page's own content: the shell around it loads the app's scripts on every page."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


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
        "api_xlsx": f"/api/v1/programmes/{programme.pk}/reports/outcomes?{QUERY}&format=xlsx",
        "page": f"/programmes/{programme.pk}/reports/outcomes/?{MONTH}",
        "page_csv": f"/programmes/{programme.pk}/reports/outcomes/?{MONTH}&format=csv",
        "page_xlsx": f"/programmes/{programme.pk}/reports/outcomes/?{MONTH}&format=xlsx",
        "print": f"/programmes/{programme.pk}/reports/outcomes/print?{MONTH}",
    }


def _book(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _received(response) -> str:
    """What the reader gets as text: a workbook's every cell, anything else decoded."""
    if response["Content-Type"] == XLSX:
        book = _book(response)
        return "\n".join(
            " | ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in _rows(sheet)
        )
    return response.content.decode()


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


CHANNELS = ["api", "api_csv", "api_xlsx", "page", "page_csv", "page_xlsx", "print"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_commissioner_gets_no_identity_and_the_swemwbs_copyright_everywhere(
    client, surveyed, commissioner, channel
):
    client.force_login(commissioner)

    response = client.get(_channels(surveyed["programme"])[channel])

    assert response.status_code == 200, response.content
    text = _received(response)
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


def test_an_organisations_coordinator_sees_its_own_outcomes_suppressed(client, surveyed):
    """A mean of two people's answers is theirs, and the staff know who came: a privacy probe
    read one named member's loneliness answers from a one-day report."""
    group_a, _ = surveyed["groups"]
    coordinator = coordinator_of(group_a)
    client.force_login(coordinator)

    response = client.get(f"/api/v1/organisations/{group_a.pk}/reports/outcomes?{QUERY}")

    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["suppressed"], report["organisation_id"]) == (True, group_a.pk)
    life = next(m for m in report["measures"] if m["key"] == "ons4.life_satisfaction")
    (follow_up,) = life["waves"]
    figures = {f["key"]: f["value"] for f in follow_up["figures"]}
    assert figures == {"respondents": None, "mean": None}  # 3 and 6, of two people


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

    for channel in ("api", "api_csv", "api_xlsx"):
        response = client.get(channels[channel])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    for channel in ("page", "page_csv", "page_xlsx", "print"):
        assert client.get(channels[channel]).status_code == 403, channel


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


@pytest.mark.parametrize("channel", ["page_xlsx", "api_xlsx"])
def test_the_xlsx_holds_the_suppressed_outcomes_cell_for_cell(
    client, surveyed, commissioner, channel
):
    client.force_login(commissioner)

    book = _book(client.get(_channels(surveyed["programme"])[channel]))

    assert book.sheetnames == [
        "About",
        "Figures",
        "1 Overall, how satisfied are yo",
        "2 Overall, how satisfied are yo",
        "3 Mental wellbeing (SWEMWBS met",
    ]
    about = {row[0]: row[1] for row in _rows(book["About"])[1:] if row[0]}
    assert about["Programme"] == surveyed["programme"].name
    assert about["Period"] == "2026-03-01 to 2026-03-31"
    assert about["Smallest count shown"] == "5"
    assert about["Copyright"] == SWEMWBS_COPYRIGHT
    assert about["Suppressed (derived)"] == DERIVED
    assert about["Note"] == (
        "A mean or a share is shown only over 5 or more people and when nothing in its table "
        "is hidden."
    )
    figures = _rows(book["Figures"])
    assert figures[0] == ("Figure", "Value", "Suppressed")
    assert all(cell.font.b for cell in book["Figures"][1])
    by_label = {row[0]: row[1:] for row in figures[1:] if row[0]}
    assert by_label[f"{LIFE}: 3 months: Respondents"] == (None, SECONDARY)
    assert by_label[f"{LIFE}: 3 months: Mean"] == (None, DERIVED)
    change = f"{WELLBEING}: distance travelled, baseline to 3 months"
    assert by_label[f"{WELLBEING}: 3 months: Respondents"] == (7, None)
    assert by_label[f"{change}: Paired members"] == (7, None)
    assert by_label[f"{change}: Mean change"] == (5.78, None)
    assert by_label[f"{change}: Improved (%)"] == (100, None)
    assert figures[-1] == ("Copyright", SWEMWBS_COPYRIGHT, None)
    assert _rows(book["1 Overall, how satisfied are yo"]) == [
        (f"{LIFE}: 3 months", None, None),
        ("Group", "Members", "Suppressed"),
        ("low (0-4)", None, SMALL),
        ("medium (5-6)", None, SMALL),
        ("high (7-8)", None, SECONDARY),
        ("very high (9-10)", 0, None),
        ("Total", None, SECONDARY),
    ]
    assert _rows(book["3 Mental wellbeing (SWEMWBS met"]) == [
        (change, None, None),
        (SWEMWBS_COPYRIGHT, None, None),
        ("Group", "Members", "Suppressed"),
        ("Worse by 3 or more", 0, None),
        ("Worse by less than 3", 0, None),
        ("No change", 0, None),
        ("Better by less than 3", 0, None),
        ("Better by 3 or more", 7, None),
        ("Total", 7, None),
        (None, None, None),
        ("Nothing was suppressed in this table.", None, None),
    ]


@pytest.mark.parametrize("channel", ["page_xlsx", "api_xlsx"])
def test_no_count_in_the_xlsx_is_small(client, surveyed, commissioner, channel):
    client.force_login(commissioner)

    book = _book(client.get(_channels(surveyed["programme"])[channel]))

    counts = []
    for name in book.sheetnames[2:]:
        rows = _rows(book[name])
        header = rows.index(("Group", "Members", "Suppressed"))
        counts += [row[1] for row in rows[header + 1 :] if row[0] and row[0].count(" ") < 8]
    people = ("Respondents", "Paired members", "Improved", "Same", "Worse")
    counts += [row[1] for row in _rows(book["Figures"])[1:] if row[0] and row[0].endswith(people)]
    assert len(counts) > 25
    assert all(c is None or c == 0 or c >= 5 for c in counts), counts


def test_the_printable_outcomes_are_the_suppressed_ones_on_a4(client, surveyed, commissioner):
    client.force_login(commissioner)
    programme = surveyed["programme"]

    response = client.get(_channels(programme)["print"])

    assert response.status_code == 200
    text = response.content.decode()
    assert "css/site.css" in text  # with its @page A4 rule (see test_exports)
    assert f"<h1>Outcomes: {programme.name}</h1>" in text
    assert "2026-03-01 to 2026-03-31" in text
    assert SWEMWBS_COPYRIGHT in text
    assert "Suppressed in this table:" in text
    assert "Nothing was suppressed in this table." in text
    assert DERIVED in text
    assert "<script" not in _main(text)
    figures = dict(re.findall(r'<th scope="row">([^<]*)</th><td class="number">(.*?)</td>', text))
    assert figures[f"{LIFE}: 3 months: Respondents"] == (
        '<span class="suppressed">suppressed (hidden so that the total cannot reveal another '
        "hidden cell)</span>"
    )
    assert figures[f"{WELLBEING}: 3 months: Mean"] == "25.03"
    sections = re.findall(r'<section class="report-table".*?</section>', text, re.S)
    assert len(sections) == 3
    for section in sections:
        cells = re.findall(r'<th scope="row">[^<]*</th>\s*<td class="number">(.*?)</td>', section)
        assert cells, section
        for value in cells:
            assert "suppressed" in value or int(value) == 0 or int(value) >= 5, value


def test_the_printable_outcomes_say_when_the_period_is_not_valid(client, surveyed, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{surveyed['programme'].pk}/reports/outcomes/print?period=custom&start=x"
    )

    assert response.status_code == 400


def test_the_outcomes_page_draws_each_table_as_bars_with_no_script(client, surveyed, commissioner):
    client.force_login(commissioner)
    programme = surveyed["programme"]

    text = client.get(_channels(programme)["page"]).content.decode()

    assert "css/site.css" in text
    assert "<script" not in _main(text)
    sections = re.findall(r'<section class="breakdown".*?</section>', _main(text), re.S)
    titles = [re.search(r"<h3[^>]*>(.*?)</h3>", s).group(1) for s in sections]
    assert titles == [
        "Members by how far they moved since their baseline",
        "Members by their answer",
        "Members by how far they moved since their baseline",
    ]
    bars = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td class="number"><span class="cell-bar">'
        r'(?:<svg class="bar-track"[^>]*><rect class="bar" width="([\d.]+)" height="10"/></svg>)?'
        r'</span>(?:<span class="(suppressed)">suppressed</span>|(\d+))</td>',
        sections[1],
    )
    assert bars == [
        ("low (0-4)", "", "suppressed", ""),
        ("medium (5-6)", "", "suppressed", ""),
        ("high (7-8)", "", "suppressed", ""),
        ("very high (9-10)", "0.0", "", "0"),
        ("Total", "", "suppressed", ""),
    ]
    assert re.search(
        r'<rect class="bar \w+" width="100.0" height="10"/></svg></span>7</td>', sections[2]
    )
    query = f"{MONTH}".replace("&", "&amp;")
    assert f'href="/programmes/{programme.pk}/reports/outcomes/print?{query}"' in text
    assert f'href="?{query}&amp;format=xlsx" download' in text


def test_an_organisations_coordinator_gets_its_own_outcomes_as_xlsx_suppressed(client, surveyed):
    group_a, _ = surveyed["groups"]
    coordinator = coordinator_of(group_a)
    client.force_login(coordinator)

    book = _book(
        client.get(f"/api/v1/organisations/{group_a.pk}/reports/outcomes?{QUERY}&format=xlsx")
    )

    about = {row[0]: row[1] for row in _rows(book["About"])[1:] if row[0]}
    assert about["Organisation"] == group_a.name
    assert about["Disclosure control"].startswith("Counts of fewer than 5 people")
    figures = {row[0]: row[1:] for row in _rows(book["Figures"])[1:] if row[0]}
    assert figures[f"{LIFE}: 3 months: Respondents"][0] is None
    assert figures[f"{LIFE}: 3 months: Mean"][0] is None


@pytest.fixture
def kept(surveyed, django_capture_on_commit_callbacks):
    """March's snapshot, built by the worker as the monthly job would."""
    return snapshot_built(surveyed["programme"], django_capture_on_commit_callbacks)


def test_a_snapshot_keeps_the_months_outcomes_as_the_api_gives_them(
    client, surveyed, commissioner, kept
):
    client.force_login(commissioner)
    programme = surveyed["programme"]

    live = client.get(_channels(programme)["api"]).json()
    read = client.get(f"/api/v1/programmes/{programme.pk}/reports/snapshots/{kept.pk}").json()

    kept_outcomes = read["report"]["outcomes"]
    assert kept_outcomes["measures"] == live["measures"]
    assert kept_outcomes["outcomes"] == live["outcomes"]
    assert (kept_outcomes["suppressed"], kept_outcomes["threshold"]) == (True, 5)
    assert kept_outcomes["copyright"] == [SWEMWBS_COPYRIGHT]
    assert "Counting the month's outcomes" in kept.parameters["sections"]


def test_the_snapshot_page_shows_its_outcomes_suppressed_with_the_copyright_line(
    client, surveyed, commissioner, kept
):
    client.force_login(commissioner)
    programme = surveyed["programme"]

    response = client.get(f"/programmes/{programme.pk}/reports/snapshots/{kept.pk}/")

    assert response.status_code == 200
    text = response.content.decode()
    outcomes = text[text.index('<h2 id="snapshot-outcomes">') :]
    assert SWEMWBS_COPYRIGHT in outcomes
    assert DERIVED in outcomes
    figures = dict(
        re.findall(r'<th scope="row">([^<]*)</th><td class="number">(.*?)</td>', outcomes)
    )
    assert figures[f"{LIFE}: 3 months: Respondents"] == (
        '<span class="suppressed">suppressed (hidden so that the total cannot reveal another '
        "hidden cell)</span>"
    )
    assert figures[f"{WELLBEING}: 3 months: Mean"] == "25.03"
    for section in re.findall(r'<section class="report-table".*?</section>', outcomes, re.S):
        cells = re.findall(r'<th scope="row">[^<]*</th>\s*<td class="number">(.*?)</td>', section)
        for value in cells:
            assert "suppressed" in value or int(value) == 0 or int(value) >= 5, value
    for member in surveyed["members"]:
        assert member.code not in text
        assert member.user.last_name not in text


def test_a_snapshot_kept_before_outcomes_says_it_has_none(client, surveyed, commissioner, kept):
    from timecredits.reports.models import Snapshot

    client.force_login(commissioner)
    programme = surveyed["programme"]
    older = Snapshot.objects.create(
        programme=programme,
        period_start="2026-02-01",
        period_end="2026-02-28",
        status=Snapshot.Status.READY,
        progress=100,
        step="Ready",
        report={k: v for k, v in kept.report.items() if k != "outcomes"},
        parameters={"month": "2026-02"},
        generated_at=kept.generated_at,
    )

    response = client.get(f"/programmes/{programme.pk}/reports/snapshots/{older.pk}/")

    assert response.status_code == 200
    assert "This snapshot was made before snapshots kept outcomes" in response.content.decode()


def test_each_table_on_the_outcomes_page_has_its_own_id_and_name(client, surveyed, commissioner):
    # 45 scrolling tables shared 3 names in a screen reader's list of regions ("Members by
    # their answer" twenty times), and their headings shared ids.
    client.force_login(commissioner)

    page = client.get(_channels(surveyed["programme"])["page"]).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', page)
    names = re.findall(r'role="region" aria-label="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert len(names) == len(set(names)) == 3, names
    assert f"{LIFE}, 3 months: Members by how far they moved since their baseline" in names
