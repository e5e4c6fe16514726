"""A report page's filters, asked for wrongly, say what is wrong on the page, with what was
asked kept; they were a dead-end error page that lost every filter."""

import pytest

from tests.factories import ProgrammeFactory
from tests.reports.conftest import commissioner_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/reports/", "/reports/outcomes/", "/reports/valuation/"])
@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-30", "2026-11-01", "The period ends before it starts."),
        ("2019-01-01", "2026-11-01", "Ask for at most five years at a time."),
    ],
)
def test_dates_that_cannot_be_a_period_are_said_on_the_form(client, page, start, end, message):
    programme = ProgrammeFactory()
    client.force_login(commissioner_of(programme))

    response = client.get(
        f"/programmes/{programme.pk}{page}",
        {"period": "custom", "start": start, "end": end, "area": "CF10"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{start}"' in html and 'value="CF10"' in html
