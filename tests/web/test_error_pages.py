"""The site's own pages for an address that leads nowhere (404) and for its own failure (500),
in place of Django's bare ones."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_an_address_that_leads_nowhere_has_the_sites_page_and_a_way_home(client, member):
    client.force_login(member.user)

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert 'class="site-header"' in html
    assert 'href="/"' in html


def test_the_failure_page_stands_alone_and_says_what_to_do():
    # No database: the page must render when the database is what failed. (pytest-django
    # refuses any query from a test without its `db` fixture.)
    response = server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert "Please try again in a few minutes." in html
    assert "css/site.css" in html
    assert 'href="/"' in html
