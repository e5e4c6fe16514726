"""Population figures by CSV upload: all or nothing, each import replacing the last."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ProgrammeFactory, ProgrammeRoleFactory
from tests.racing import second_waits_for_first
from timecredits.programmes.models import PopulationFigure, ProgrammeRole
from timecredits.programmes.services import population_import

GOOD = "area,age_band,population,source\nrv1,,12000,Census 2021\nRV1,65_74,1500,\nRV2,,8000,\n"


@pytest.fixture
def admin_client(client, programme):
    client.force_login(
        ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    )
    return client


def _upload(client, programme, text, name="population.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/api/v1/programmes/{programme.pk}/population",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _figures(programme):
    return list(
        PopulationFigure.objects.filter(programme=programme).values_list(
            "area", "age_band", "population", "source"
        )
    )


def test_an_admin_imports_figures(admin_client, programme):
    response = _upload(admin_client, programme, GOOD)

    assert response.status_code == 200, response.content
    assert response.json() == [
        {"area": "RV1", "age_band": "", "population": 12000, "source": "Census 2021"},
        {"area": "RV1", "age_band": "65_74", "population": 1500, "source": ""},
        {"area": "RV2", "age_band": "", "population": 8000, "source": ""},
    ]
    assert _figures(programme) == [
        ("RV1", "", 12000, "Census 2021"),
        ("RV1", "65_74", 1500, ""),
        ("RV2", "", 8000, ""),
    ]


def test_a_new_import_replaces_the_last(admin_client, programme):
    _upload(admin_client, programme, GOOD)

    response = _upload(admin_client, programme, "area,population\nRV3,700\n")

    assert response.status_code == 200
    assert _figures(programme) == [("RV3", "", 700, "")]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("area,population\nRV1,12000\nRV2,lots\n", 3, "population"),
        ("area,population\nRV1,0\n", 2, "population"),
        ("area,population\n,100\n", 2, "area"),
        ("area,population\nTOOLONGAREA,100\n", 2, "area"),
        ("area,age_band,population\nRV1,teenagers,100\n", 2, "age_band"),
        ("area,population\nRV1,100\nrv1,200\n", 3, "area"),
        ("area,population\nRV1,100,extra\n", 2, ""),
        ("place,people\nRV1,100\n", 1, None),
        ("area,population\n", 2, None),
        ("", 1, None),
    ],
)
def test_a_bad_line_is_refused_by_number_and_nothing_changes(
    admin_client, programme, text, line, field
):
    _upload(admin_client, programme, GOOD)
    before = _figures(programme)

    response = _upload(admin_client, programme, text)

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["detail"]["line"] == line
    assert error["message"].startswith(f"Line {line}")
    if field is not None:
        assert error["detail"]["field"] == field
    assert _figures(programme) == before


def test_a_file_that_is_not_utf8_or_too_big_is_refused(admin_client, programme):
    assert _upload(admin_client, programme, b"area,population\n\xff\xfe,1\n").status_code == 422
    big = "area,population\n" + "RV1,1\n" * 200_000
    response = _upload(admin_client, programme, big)

    assert response.status_code == 422
    assert "at most" in response.json()["error"]["message"]
    assert _figures(programme) == []


def test_a_request_without_a_file_is_refused_in_the_error_shape(admin_client, programme):
    response = admin_client.post(f"/api/v1/programmes/{programme.pk}/population", {})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert _figures(programme) == []


@pytest.mark.parametrize("role", [ProgrammeRole.Role.COMMISSIONER, "other_admin"])
def test_only_the_programmes_admins_import(client, programme, role):
    other = ProgrammeFactory()
    if role == "other_admin":
        user = ProgrammeRoleFactory(programme=other, role=ProgrammeRole.Role.ADMIN).user
    else:
        user = ProgrammeRoleFactory(programme=programme, role=role).user
    client.force_login(user)

    response = _upload(client, programme, GOOD)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert _figures(programme) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_take_turns():
    """A double submit (found by fuzzing the API): each import deleted what the other had not
    yet written, and the second then broke the one-figure-per-cell rule, a 500."""
    programme = ProgrammeFactory()

    waited, failures = second_waits_for_first(
        lambda: population_import(programme=programme, data=GOOD.encode()),
        lambda: population_import(programme=programme, data=b"area,population\nRV1,100\n"),
    )

    assert failures == []
    assert waited
    assert _figures(programme) == [("RV1", "", 100, "")]
