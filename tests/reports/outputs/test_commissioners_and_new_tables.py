"""Unspent credits, regularity, retention and reach reach a commissioner only with small counts
hidden, on every channel; demographic filters say whom they count, and bad ones are refused."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import MemberFactory
from tests.reports.conftest import coordinator_of, give, session
from timecredits.programmes.models import PopulationFigure
from timecredits.reports.outputs.selectors.figures import CONSENT_NOTE

QUERY = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def crowd(world):
    """Sixteen active in March: 8 in RV1, 1 in RV2, 7 in RV4; 14 back in June, 3 in September."""
    programme = world["programme"]
    gardening = world["sessions"][0].activity
    march = session(gardening, 9)
    june, september = session(gardening, 9, month=6), session(gardening, 9, month=9)
    newcomers = [MemberFactory(programme=programme, area="RV1") for _ in range(6)]
    newcomers += [MemberFactory(programme=programme, area="RV4") for _ in range(7)]
    for member in newcomers:
        give(member, march, 60)
    for member in [*newcomers, world["members"][0]][:14]:
        give(member, june, 60)
    for member in newcomers[:3]:
        give(member, september, 60)
    PopulationFigure.objects.bulk_create(
        [
            PopulationFigure(programme=programme, area="RV1", population=1000),
            PopulationFigure(programme=programme, area="RV2", population=500),
            PopulationFigure(programme=programme, area="RV4", population=700),
        ]
    )
    return world


def _tables(report):
    return {t["name"]: t for t in report["tables"]}


def test_a_commissioner_never_gets_a_small_count_in_the_new_tables(client, crowd, commissioner):
    client.force_login(commissioner)

    report = client.get(f"/api/v1/programmes/{crowd['programme'].pk}/reports/outputs?{QUERY}")

    assert report.status_code == 200
    tables = _tables(report.json())
    reach = {r["key"]: r["values"] for r in tables["reach_by_area"]["rows"]}
    assert reach == {
        "RV1": {"members": 8, "population": 1000, "per_1000": 8.0},
        "RV2": {"members": None, "population": None, "per_1000": None},
        "RV4": {"members": None, "population": None, "per_1000": None},
    }
    assert {r["key"]: r["values"]["members"] for r in tables["regularity"]["rows"]} == {
        "weekly": 0,
        "monthly": 16,
        "occasional": 0,
    }
    for name in ("regularity", "retention", "reach_by_area", "area"):
        for row in [*tables[name]["rows"], {"values": tables[name]["total"]}]:
            assert row["values"].get("members") in (None, 0) or row["values"]["members"] >= 5
    retention = tables["retention"]
    shown = [0, retention["total"]["members"]]
    shown += [r["values"]["members"] for r in retention["rows"] if r["values"]["members"]]
    assert retention["total"]["members"] == 16
    assert all(not 0 < abs(a - b) < 5 for a in shown for b in shown), shown


def test_the_page_and_its_csv_show_the_new_tables_suppressed(client, crowd, commissioner):
    client.force_login(commissioner)
    page = f"/programmes/{crowd['programme'].pk}/reports/?period=month&month=2026-03"

    html = client.get(page).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(page + "&format=csv").content.decode())))

    assert "Reach by area: members against the population" in html
    assert "Still active after 3, 6 and 12 months" in html
    reach = {r[1]: r[3] for r in rows if r[0].startswith("Reach by area") and r[2] == "Members"}
    assert reach == {"RV1": "8", "RV2": "", "RV4": ""}
    for member in crowd["members"]:
        assert member.code not in html


def test_a_demographic_filter_counts_consenting_members_and_says_so(client, crowd, commissioner):
    client.force_login(commissioner)
    programme = crowd["programme"]

    api = client.get(f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}&gender=woman")
    page = client.get(
        f"/programmes/{programme.pk}/reports/?period=month&month=2026-03&gender=woman"
    )
    exported = client.get(
        f"/api/v1/programmes/{programme.pk}/reports/outputs?{QUERY}&gender=woman&format=csv"
    )

    assert api.status_code == 200
    assert api.json()["notes"] == [CONSENT_NOTE]
    assert api.json()["demographics"] == {"gender": "woman"}
    assert CONSENT_NOTE in page.content.decode()
    assert ["notes", CONSENT_NOTE, "", "", ""] in list(
        csv.reader(io.StringIO(exported.content.decode()))
    )


@pytest.mark.parametrize(
    "bad", ["gender=robot", "age_band=ancient", "employment_status=astronaut", "disability=maybe"]
)
def test_a_bad_demographic_answer_is_refused(client, crowd, commissioner, bad):
    client.force_login(commissioner)

    response = client.get(
        f"/api/v1/programmes/{crowd['programme'].pk}/reports/outputs?{QUERY}&{bad}"
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["detail"]["field"]) == ("invalid", bad.split("=")[0])


def test_the_page_refuses_a_bad_demographic_answer_without_a_report(client, crowd, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{crowd['programme'].pk}/reports/?period=month&month=2026-03&ethnicity=x"
    )

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "ethnicity" in response.context["form"].errors


def test_a_coordinator_sees_its_own_new_tables_suppressed_under_an_answer(client, crowd):
    group_a, _ = crowd["groups"]
    client.force_login(coordinator_of(group_a))

    report = client.get(
        f"/api/v1/organisations/{group_a.pk}/reports/outputs?{QUERY}&gender=woman"
    ).json()

    reach = {r["key"]: r["values"]["members"] for r in _tables(report)["reach_by_area"]["rows"]}
    # m1 alone, a consenting woman at group A: her area is not shown to the staff who know her.
    assert reach == {"RV1": None, "RV2": 0, "RV4": 0}
    assert report["suppressed"] is True
    assert report["notes"] == [CONSENT_NOTE]


def test_the_xlsx_names_the_demographic_filter_and_the_consent_note(client, crowd, commissioner):
    client.force_login(commissioner)
    url = f"/api/v1/programmes/{crowd['programme'].pk}/reports/outputs?{QUERY}"

    response = client.get(f"{url}&gender=woman&format=xlsx")

    book = load_workbook(io.BytesIO(response.content))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert (about["Gender"], about["Note"]) == ("woman", CONSENT_NOTE)
    sheet = next(name for name in book.sheetnames if name.startswith("Reach by area"))
    labels = [row[0] for row in book[sheet].iter_rows(values_only=True)]
    assert "RV1" in labels
    assert "Total" not in labels


def test_the_cohort_is_hidden_when_it_falls_a_few_short_of_the_active_members(
    client, crowd, commissioner
):
    gardening = crowd["sessions"][0].activity
    february, march = session(gardening, 9, month=2), session(gardening, 16)
    for _ in range(2):  # two who started in February and came back in March
        member = MemberFactory(programme=crowd["programme"], area="RV1")
        give(member, february, 60)
        give(member, march, 60)
    client.force_login(commissioner)

    report = client.get(f"/api/v1/programmes/{crowd['programme'].pk}/reports/outputs?{QUERY}")

    figures = {f["key"]: f["value"] for f in report.json()["figures"]}
    retention = _tables(report.json())["retention"]
    assert figures["active_members"] == 18
    assert retention["total"] == {"members": None, "percent": None}
    assert {"row": "total", "column": "members", "reason": "difference"} in [
        {k: s[k] for k in ("row", "column", "reason")} for s in retention["suppressed"]
    ]
