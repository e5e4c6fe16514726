"""The download buttons of a report page as first shown (no period asked for yet) give the
report, not the page: their link names only the format."""

import re

import pytest

from tests.factories import ProgrammeFactory, approved_organisation
from tests.reports.conftest import commissioner_of, coordinator_of

pytestmark = pytest.mark.django_db

SHEETS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _downloads(client, path):
    page = client.get(path).content.decode()
    links = re.findall(r'href="(\?[^"]*format=(csv|xlsx)[^"]*)" download', page)
    assert links, "the page offers no download"
    return [(link.replace("&amp;", "&"), format) for link, format in links]


@pytest.mark.parametrize("page", ["/reports/", "/reports/outcomes/"])
def test_a_programme_reports_first_downloads_are_the_report(client, page):
    programme = ProgrammeFactory()
    client.force_login(commissioner_of(programme))
    path = f"/programmes/{programme.pk}{page}"

    for link, format in _downloads(client, path):
        response = client.get(path + link)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(SHEETS[format]), link
        assert "attachment" in response["Content-Disposition"]

    bare = client.get(f"{path}?format=csv")  # as the page's first link was
    assert bare["Content-Type"].startswith("text/csv")


def test_an_organisations_first_download_is_its_report(client):
    organisation = approved_organisation(ProgrammeFactory())
    client.force_login(coordinator_of(organisation))
    path = f"/organisations/{organisation.pk}/reports/"

    response = client.get(f"{path}?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
