"""The programme's population page: upload a CSV, see the figures, or see which line is wrong."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ProgrammeFactory, ProgrammeRoleFactory
from timecredits.programmes.models import PopulationFigure, ProgrammeRole


def _admin(client, programme, role=ProgrammeRole.Role.ADMIN):
    client.force_login(ProgrammeRoleFactory(programme=programme, role=role).user)


def _post(client, programme, text):
    return client.post(
        f"/programmes/{programme.pk}/admin/population/",
        {"file": SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")},
        follow=True,
    )


def test_an_admin_uploads_figures_and_sees_them(client, db):
    programme = ProgrammeFactory()
    _admin(client, programme)

    response = _post(client, programme, "area,population,source\nRV1,12000,Census 2021\n")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Population figures imported: 1." in text
    assert "Census 2021" in text and "12000" in text
    assert PopulationFigure.objects.filter(programme=programme).count() == 1


def test_a_bad_line_is_shown_by_number_and_nothing_changes(client, db):
    programme = ProgrammeFactory()
    PopulationFigure.objects.create(programme=programme, area="RV9", population=50)
    _admin(client, programme)

    response = _post(client, programme, "area,population\nRV1,12000\nRV2,-3\n")

    assert response.status_code == 200
    assert "Line 3: the population must be a whole number above 0." in response.content.decode()
    assert list(PopulationFigure.objects.values_list("area", "population")) == [("RV9", 50)]


def test_a_commissioner_cannot_open_the_page(client, db):
    programme = ProgrammeFactory()
    _admin(client, programme, ProgrammeRole.Role.COMMISSIONER)

    assert client.get(f"/programmes/{programme.pk}/admin/population/").status_code == 403
    assert _post(client, programme, "area,population\nRV1,1\n").status_code == 403
    assert not PopulationFigure.objects.exists()


def test_old_mac_line_endings_and_thousands_are_read(client, db):
    # Excel for Mac's "CSV (Macintosh)" ends lines with a bare \r: it was a 500.
    programme = ProgrammeFactory()
    _admin(client, programme)

    response = _post(client, programme, 'area,population\rRV1,"12,000"\rRV2,950\r')

    assert "Population figures imported: 2." in response.content.decode()
    assert sorted(PopulationFigure.objects.values_list("area", "population")) == [
        ("RV1", 12000),
        ("RV2", 950),
    ]


@pytest.mark.parametrize(
    "population", ["1²", "\u0661\u0662\u0663", "\uff11\uff12\uff13", '"1,5"', '"12,50"']
)
def test_a_population_not_written_in_plain_digits_is_refused_by_line(client, db, population):
    # "1²" passed str.isdigit and then crashed int() (a 500); "1,5" was read as 15.
    programme = ProgrammeFactory()
    PopulationFigure.objects.create(programme=programme, area="RV9", population=50)
    _admin(client, programme)

    response = _post(client, programme, f"area,population\nRV1,{population}\n")

    assert response.status_code == 200
    assert "Line 2: the population must be a whole number above 0." in response.content.decode()
    assert list(PopulationFigure.objects.values_list("area", "population")) == [("RV9", 50)]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("RV\x001,5,census", "Line 2: give the area as a postcode district"),
        ("RV 1,5,census", "Line 2: give the area as a postcode district"),
        ("RV1,5,cen\x00sus", "Line 2: Text cannot contain control characters."),
        ("RV1,5,cen\x08sus", "Line 2: Text cannot contain control characters."),
    ],
)
def test_a_line_with_a_control_character_is_refused_by_line(client, db, line, said):
    # A NUL was a 500 on PostgreSQL and kept as typed on SQLite.
    programme = ProgrammeFactory()
    PopulationFigure.objects.create(programme=programme, area="RV9", population=50)
    _admin(client, programme)

    response = _post(client, programme, f"area,population,source\n{line}\n")

    assert response.status_code == 200
    assert said in response.content.decode()
    assert list(PopulationFigure.objects.values_list("area", "population")) == [("RV9", 50)]
