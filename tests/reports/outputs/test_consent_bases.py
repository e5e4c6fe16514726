"""Tables with different consent bases read against each other (issue 12, finding 5): the age
band and gender tables count only the active members who consent to reports, the rest count
them all, and no channel lets a commissioner subtract one from the other to count a small
number of members who do not consent, or their hours.

The finding: 10 active members giving 70.0 hours, 8 of whom consent (50.5 hours), so the two
who do not gave 19.5 hours. Neither 50.5 nor 19.5 is any other figure's value here, so a channel
that printed either would fail.
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    approved_organisation,
)
from tests.reports.conftest import commissioner_of, give, shows_number, snapshot_built
from tests.reports.outputs.subtraction import (
    hours_left_out_known,
    pinned_left_out,
    pinned_whatever_is_hidden,
    reasons,
    told_small,
)
from timecredits.reports.outputs.services import rollup_refresh

THRESHOLD = 5
SECRETS = ["50.5", "19.5"]  # the consenting members' hours, and those of the two who are not
YEAR = "from=2026-01-01&to=2026-12-31"
MARCH = "from=2026-03-01&to=2026-03-31"
# (area, age band, consents to reports, minutes): five and three consenting (32.5 and 18.0
# hours), and two who do not (10.0 and 9.5 hours).
MEMBERS = (
    [("RV1", "25_34", True, 390)] * 5
    + [("RV2", "65_74", True, 360)] * 3
    + [("RV2", "25_34", False, 600), ("RV2", "65_74", False, 570)]
)


def _march(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour, 0))


@pytest.fixture
def finding(db, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(report_threshold=THRESHOLD)
    approved_organisation(programme, name="Allotment Friends")
    group = approved_organisation(programme, name="Canal Clean-up")
    activity = ActivityFactory(programme=programme, organisation=group)
    day = SessionFactory(activity=activity, starts_at=_march(7), ends_at=_march(7, 21))
    for area, age_band, consent, minutes in MEMBERS:
        member = MemberFactory(
            programme=programme,
            area=area,
            age_band=age_band,
            gender="woman",
            reports_consent=consent,
        )
        give(member, day, minutes)
    return {
        "programme": programme,
        "group": group,
        "snapshot": snapshot_built(programme, django_capture_on_commit_callbacks),
        "commissioner": commissioner_of(programme),
    }


def _shown(report: dict) -> tuple[dict, dict]:
    return {f["key"]: f["value"] for f in report["figures"]}, {
        t["name"]: t for t in report["tables"]
    }


def _assert_nothing_to_subtract(report: dict) -> None:
    figures, tables = _shown(report)
    assert pinned_left_out(figures, tables, THRESHOLD, told=True) == []
    assert not hours_left_out_known(figures, tables)
    for name in ("age_band", "gender"):
        assert tables[name]["total"] == {"members": None, "hours": None}, name


def _api_url(finding, query: str) -> str:
    return f"/api/v1/programmes/{finding['programme'].pk}/reports/outputs?{query}"


def _page_url(finding, query: str, *, organisation: bool) -> str:
    start, end = re.findall(r"\d{4}-\d{2}-\d{2}", query)
    by = f"&organisation={finding['group'].pk}" if organisation else ""
    return (
        f"/programmes/{finding['programme'].pk}/reports/?period=custom&start={start}&end={end}{by}"
    )


@pytest.mark.parametrize("organisation", [True, False], ids=["organisation", "programme"])
def test_the_api_shows_the_active_members_but_not_how_many_of_them_consent(
    client, finding, organisation
):
    client.force_login(finding["commissioner"])
    by = f"&organisation={finding['group'].pk}" if organisation else ""

    response = client.get(_api_url(finding, YEAR + by))

    assert response.status_code == 200, response.content[:500]
    report = response.json()
    figures, tables = _shown(report)
    # The all-member side is shown as it is: nothing there needs hiding.
    assert (figures["active_members"], figures["hours_given"]) == (10, 70.0)
    assert tables["area"]["total"] == {"members": 10, "hours": 70.0}
    # The consenting side no longer adds up to 8 / 50.5: its totals are hidden as a difference,
    # and so is the gender table's one row (eight women) that would give them anyway.
    _assert_nothing_to_subtract(report)
    assert [r["values"] for r in tables["gender"]["rows"]] == [{"members": None, "hours": None}]
    assert {"row": "total", "column": "members", "reason": "difference"} in [
        {k: s[k] for k in ("row", "column", "reason")} for s in tables["age_band"]["suppressed"]
    ]
    for secret in SECRETS:
        assert not shows_number(response.content.decode(), secret)


def _page_tables(html: str) -> dict:
    """Each table on the report page as (label, values) lines, "suppressed" as None."""
    tables = {}
    for name, body in re.findall(
        r'<section class="breakdown">.*?<h3 id="table-(\w+)">(.*?)</section>', html, flags=re.S
    ):
        lines = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            label = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
            if label is None:
                continue
            cells = [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
            values = [
                None
                if c in ("suppressed", "not yet known")
                else float(c.rstrip("%").replace(",", ""))
                for c in cells
            ]
            lines.append((label.group(1).strip(), values))
        tables[name] = lines
    return tables


def _api_lines(table: dict) -> list:
    """The API's table as the page's lines: rows, then the total (under its label) if any."""
    keys = [c["key"] for c in table["columns"]]
    lines = [(r["label"], [r["values"][k] for k in keys]) for r in table["rows"]]
    if table["total"]:
        lines.append((table["total_label"], [table["total"][k] for k in keys]))
    return lines


@pytest.mark.parametrize("organisation", [True, False], ids=["organisation", "programme"])
def test_the_page_shows_no_more_than_the_api(client, finding, organisation):
    client.force_login(finding["commissioner"])
    by = f"&organisation={finding['group'].pk}" if organisation else ""
    report = client.get(_api_url(finding, YEAR + by)).json()

    response = client.get(_page_url(finding, YEAR, organisation=organisation))

    assert response.status_code == 200
    html = response.content.decode()
    page = _page_tables(html)
    api = {table["name"]: _api_lines(table) for table in report["tables"]}
    assert page and set(page) <= set(api)
    for name, lines in page.items():
        assert lines == api[name], name
    figures = dict(
        re.findall(
            r'<span class="tile-label">(.*?)</span>\s*<span class="tile-value">(.*?)</span>',
            html,
            flags=re.S,
        )
    )
    assert figures["Active members"] == "10"
    for secret in SECRETS:
        assert not shows_number(html, secret)


def _csv_lines(text: str) -> dict:
    lines = {}
    for section, row, _column, value, _reason in list(csv.reader(io.StringIO(text)))[1:]:
        if section not in ("about", "notes", "figures"):
            lines.setdefault(section, {}).setdefault(row, []).append(
                None if value == "" else float(value)
            )
    return lines


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_every_download_and_kept_copy_shows_what_the_api_shows(client, finding):
    """CSV and XLSX from the API and the page, the printable report, the worker's kept figures
    and the month's snapshot all pass through the one presentation step: none lets the
    consenting side be subtracted."""
    client.force_login(finding["commissioner"])
    programme, snapshot = finding["programme"], finding["snapshot"]
    live = client.get(_api_url(finding, MARCH)).json()
    assert live["from_worker"] is False
    _assert_nothing_to_subtract(live)
    expected = {t["title"]: dict(_api_lines(t)) for t in live["tables"]}

    rollup_refresh(
        programme=programme,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    kept = client.get(_api_url(finding, MARCH)).json()
    kept_snapshot = client.get(
        f"/api/v1/programmes/{programme.pk}/reports/snapshots/{snapshot.pk}"
    ).json()

    assert kept["from_worker"] is True
    _assert_nothing_to_subtract(kept)
    _assert_nothing_to_subtract(kept_snapshot["report"])
    page = f"/programmes/{programme.pk}/reports/?period=month&month=2026-03"
    for url in (_api_url(finding, MARCH) + "&format=csv", page + "&format=csv"):
        assert _csv_lines(client.get(url).content.decode()) == expected, url
    snapshot_page = f"/programmes/{programme.pk}/reports/snapshots/{snapshot.pk}/"
    texts = [
        _xlsx_text(client.get(url).content)
        for url in (
            _api_url(finding, MARCH) + "&format=xlsx",
            page + "&format=xlsx",
            snapshot_page + "?format=xlsx",
        )
    ]
    texts += [
        client.get(url).content.decode()
        for url in (
            f"/programmes/{programme.pk}/reports/print?period=month&month=2026-03",
            snapshot_page,
        )
    ]
    for text in texts:
        for secret in SECRETS:
            assert not shows_number(text, secret)
        assert re.search(r"\b70(\.0)?\b", text)  # the all-member hours are still there


@pytest.mark.parametrize("demographic", ["", "&gender=woman"], ids=["everyone", "women"])
def test_nothing_is_hidden_for_consent_when_no_one_is_left_out(client, finding, demographic):
    """Under a demographic filter every table counts only those who consent (none is left out),
    and with every member consenting the same: the consenting totals stand."""
    from timecredits.members.models import Member

    Member.objects.filter(programme=finding["programme"]).update(reports_consent=True)
    client.force_login(finding["commissioner"])

    report = client.get(_api_url(finding, YEAR + demographic)).json()

    figures, tables = _shown(report)
    assert figures["active_members"] == 10
    assert tables["age_band"]["total"] == {"members": 10, "hours": 70.0}
    assert tables["gender"]["rows"][0]["values"] == {"members": 10, "hours": 70.0}
    assert "difference" not in reasons(report["figures"], report["tables"])


# Members: (area, age band, gender, consents, minutes), each giving time once; most consent,
# so that a few are often left out of enough to show.
members_strategy = st.lists(
    st.tuples(
        st.sampled_from(["RV1", "RV2", "RV3"]),
        st.sampled_from(["25_34", "50_64", "65_74"]),
        st.sampled_from(["woman", "man", ""]),
        st.sampled_from([True, True, True, False]),
        st.integers(15, 240),
    ),
    max_size=18,
)


@pytest.fixture
def stage(db):
    programme = ProgrammeFactory(report_threshold=THRESHOLD)
    group = approved_organisation(programme, name="Canal Clean-up")
    activity = ActivityFactory(programme=programme, organisation=group)
    commissioner = commissioner_of(programme)
    return {"programme": programme, "activity": activity, "commissioner": commissioner}


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(members=members_strategy, threshold=st.sampled_from([3, 5]))
def test_no_small_count_left_out_is_pinned_by_subtraction(client, stage, members, threshold):
    programme = stage["programme"]
    client.force_login(stage["commissioner"])
    with transaction.atomic():
        programme.report_threshold = threshold
        programme.save(update_fields=["report_threshold"])
        day = SessionFactory(activity=stage["activity"], starts_at=_march(7), ends_at=_march(7, 13))
        for area, age_band, gender, consent, minutes in members:
            member = MemberFactory(
                programme=programme,
                area=area,
                age_band=age_band,
                gender=gender,
                reports_consent=consent,
            )
            give(member, day, minutes)

        report = client.get(f"/api/v1/programmes/{programme.pk}/reports/outputs?{MARCH}").json()
        transaction.set_rollback(True)

    figures, tables = _shown(report)
    left = sum(not consent for *_, consent, _ in members)
    told = told_small(report["figures"], report["tables"])
    if left < len(members) and not pinned_whatever_is_hidden(figures, tables, threshold, told=told):
        assert pinned_left_out(figures, tables, threshold, told=told) == []
    if 0 < left < threshold and left < len(members):
        assert not hours_left_out_known(figures, tables)
    if not 0 < left < threshold:
        others = [t for t in report["tables"] if t["name"] != "retention"]
        assert "difference" not in reasons(report["figures"], others)
