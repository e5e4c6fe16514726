"""The XLSX export and the printable report, from the page and the API: what a commissioner
gets is the suppressed report, cell for cell, with the reasons beside what was hidden."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from openpyxl import load_workbook

from timecredits.reports.exports import report_xlsx, table_lines

MONTH = "period=month&month=2026-03"
API = "from=2026-03-01&to=2026-03-31"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def _xlsx_channels(world):
    pk = world["programme"].pk
    return {
        "page": f"/programmes/{pk}/reports/?{MONTH}&format=xlsx",
        "api": f"/api/v1/programmes/{pk}/reports/outputs?{API}&format=xlsx",
    }


@pytest.mark.parametrize("channel", ["page", "api"])
def test_the_xlsx_holds_the_suppressed_figures_with_their_reasons(
    client, world, commissioner, channel
):
    client.force_login(commissioner)

    book = _open(client.get(_xlsx_channels(world)[channel]))

    assert book.sheetnames[:2] == ["About", "Figures"]
    figures = {row[0]: row[1:] for row in _rows(book["Figures"])[1:]}
    assert figures["Active members"] == (None, "fewer people than the programme's threshold")
    assert figures["Hours given"][0] is None
    assert figures["Credits earned (minutes)"][0] is None
    assert figures["Sessions held"] == figures["Active members"]
    assert figures["Active organisations"] == figures["Active members"]
    assert all(cell.font.b for cell in book["Figures"][1])


def test_the_xlsx_has_a_sheet_per_table_with_hidden_cells_blank(client, world, commissioner):
    client.force_login(commissioner)

    book = _open(client.get(_xlsx_channels(world)["page"]))

    sheet = book["By activity type"]
    rows = _rows(sheet)
    assert rows[0] == ("By activity type", None, None, None)
    header = next(i for i, row in enumerate(rows) if row[0] == "Group")
    assert rows[header] == ("Group", "Members", "Hours given", "Suppressed")
    assert all(cell.font.b for cell in sheet[header + 1])
    body = {row[0]: row[1:] for row in rows[header + 1 :]}
    small = "fewer people than the programme's threshold"
    assert body["Befriending"] == (None, None, small)
    assert body["Formal volunteering"] == (None, None, small)
    assert body["Total"] == (None, None, small)
    assert len(book.sheetnames) == 2 + 9  # no reach tables: no population was imported


def test_no_cell_a_commissioner_gets_holds_a_small_count(client, world, commissioner):
    client.force_login(commissioner)

    book = _open(client.get(_xlsx_channels(world)["api"]))

    for name in book.sheetnames[2:]:
        rows = _rows(book[name])
        header = next(i for i, row in enumerate(rows) if row[0] == "Group")
        members = rows[header].index("Members")
        for row in rows[header + 1 :]:
            if row[0] is not None and row[members] is not None:
                assert row[members] == 0 or row[members] >= 5, (name, row)
    figures = dict(_rows(book["Figures"])[1:][i][:2] for i in range(11))
    for label in ("Active members", "New members", "New members new to volunteering"):
        assert figures[label] is None


def test_the_about_sheet_says_what_the_report_is(client, world, commissioner):
    client.force_login(commissioner)
    group_a, _ = world["groups"]

    book = _open(client.get(f"{_xlsx_channels(world)['page']}&organisation={group_a.pk}&area=RV1"))

    about = {row[0]: row[1] for row in _rows(book["About"])[1:] if row[0]}
    assert about["Programme"] == world["programme"].name
    assert about["Period"] == "2026-03-01 to 2026-03-31"
    assert about["Organisation"] == "Allotment Friends"
    assert about["Area"] == "RV1"
    assert about["Activity type"] == "All"
    assert about["Smallest count shown"] == "5"
    assert about["Generated"].startswith("20")


def test_text_that_looks_like_a_formula_stays_text():
    report = {
        "figures": [{"key": "k", "label": "=1+1", "value": 7, "suppressed": ""}],
        "tables": [],
    }

    book = load_workbook(io.BytesIO(report_xlsx(report, about=[("Programme", "=cmd()")])))

    assert book["Figures"]["A2"].value == "=1+1"
    assert book["Figures"]["A2"].data_type == "s"
    assert book["About"]["B2"].data_type == "s"


def test_an_unknown_format_is_refused_in_the_error_shape(client, world, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/api/v1/programmes/{world['programme'].pk}/reports/outputs?{API}&format=pdf"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_the_printable_report_shows_every_figure_and_table_and_what_was_hidden(
    client, world, commissioner
):
    client.force_login(commissioner)

    response = client.get(f"/programmes/{world['programme'].pk}/reports/print?{MONTH}")

    assert response.status_code == 200
    text = response.content.decode()
    assert "css/site.css" in text
    with open(finders.find("css/site.css")) as css:
        assert "@page { size: A4;" in css.read()
    assert world["programme"].name in text
    assert "2026-03-01 to 2026-03-31" in text
    assert "Generated" in text
    for heading in ("Figures", "By activity type", "By area", "Spending by venue"):
        assert heading in text
    assert "Suppressed in this table:" in text
    assert "fewer people than the programme&#x27;s threshold" in text
    for member in world["members"]:
        assert member.user.last_name not in text
        assert member.code not in text


def test_no_people_count_on_the_printable_report_is_small(client, world, commissioner):
    client.force_login(commissioner)

    text = client.get(f"/programmes/{world['programme'].pk}/reports/print?{MONTH}").content.decode()

    sections = re.findall(r'<section class="breakdown".*?</section>', text, re.S)
    assert len(sections) == 9  # no reach tables: no population was imported
    for section in sections:
        # The first value column of every table counts members (after its bar, if drawn).
        firsts = re.findall(
            r'<th scope="row">[^<]*</th>\s*<td class="number">'
            r'(?:<span class="cell-bar">.*?</span>)?(.*?)</td>',
            section,
        )
        assert firsts, section
        for value in firsts:
            # No count is shown while retention is not yet known (the old page said
            # "suppressed (not_yet_known)").
            hidden = "suppressed" in value or "not yet known" in value
            assert hidden or int(value) == 0 or int(value) >= 5, value


def test_the_printable_report_refuses_who_may_not_read_it(client, world):
    from tests.factories import MemberFactory

    client.force_login(MemberFactory(programme=world["programme"]).user)

    response = client.get(f"/programmes/{world['programme'].pk}/reports/print?{MONTH}")

    assert response.status_code == 403


def test_the_printable_report_says_when_the_period_is_not_valid(client, world, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{world['programme'].pk}/reports/print?period=custom&start=2026-03-31"
    )

    assert response.status_code == 400


def test_the_dashboard_links_to_the_exports_and_the_printable_report(client, world, commissioner):
    client.force_login(commissioner)

    text = client.get(f"/programmes/{world['programme'].pk}/reports/?{MONTH}").content.decode()

    assert f"/programmes/{world['programme'].pk}/reports/print?" in text
    assert "format=xlsx" in text
    assert "format=csv" in text


def test_each_table_gets_a_sheet_excel_accepts_even_with_a_long_or_odd_title():
    table = {
        "title": "Spending by venue: [all] / every * partner? in the whole programme",
        "note": "",
        "columns": [{"key": "members", "label": "Members"}],
        "rows": [],
        "total": {"members": 0},
        "suppressed": [],
    }
    report = {"figures": [], "tables": [table, dict(table)]}

    book = load_workbook(io.BytesIO(report_xlsx(report, about=[])))

    first, second = book.sheetnames[2:]
    assert first == "Spending by venue- -all- - ever"
    assert second == "Spending by venue- -all- - (2)"
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_a_tables_total_reads_in_the_readers_language():
    # The printable outcomes report in Welsh said "Total" under every table.
    table = {
        "columns": [{"key": "members"}],
        "rows": [{"key": "a", "label": "A", "values": {"members": 12}}],
        "total": {"members": 12},
        "suppressed": [],
    }

    with translation.override("cy"):
        lines = table_lines(table)
        started = table_lines({**table, "total_label": "Started in the period"})

    assert lines[-1] == {"label": "Cyfanswm", "values": [12], "why": "", "total": True}
    assert started[-1]["label"] != "Started in the period"


def test_a_month_outside_the_calendar_is_refused_at_the_month_field(client, world, commissioner):
    # "To: Use a date from 2000 to 2099." pointed at the custom dates, not the month chosen.
    client.force_login(commissioner)

    page = client.get(
        f"/programmes/{world['programme'].pk}/reports/?period=month&month=1999-12"
    ).content.decode()

    assert '<p class="field-error" id="id_month-error">Use a date from 2000 to 2099.</p>' in page
    assert 'id="id_end-error"' not in page


def test_a_welsh_readers_download_reads_in_welsh_as_the_page_does(client, world, commissioner):
    # Titles, columns and rows of the outputs' spreadsheet and CSV were English on a Welsh page.
    commissioner.language = "cy"
    commissioner.save(update_fields=["language"])
    client.force_login(commissioner)
    pk = world["programme"].pk

    book = _open(client.get(_xlsx_channels(world)["page"]))
    csv = client.get(f"/programmes/{pk}/reports/?{MONTH}&format=csv").content.decode()

    sheet = book["Yn ôl math o weithgaredd"]
    assert _rows(sheet)[0][0] == "Yn ôl math o weithgaredd"
    assert "By activity type" not in book.sheetnames and "By activity type" not in csv
    assert "Yn ôl math o weithgaredd" in csv
    assert "Total" not in csv and "Cyfanswm" in csv
