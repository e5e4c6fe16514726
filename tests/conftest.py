"""Shared fixtures, the rule that PostgreSQL-only tests skip, with a reason, on SQLite, and
Hypothesis drawing the same examples on every run."""

import os

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client, TransactionTestCase
from django.utils import translation

from ledger import guarantees
from partners.models import Organisation
from tests.factories import (
    PASSWORD,
    MemberFactory,
    ProgrammeFactory,
    UserFactory,
    approved_organisation,
)
from timecredits.reports import guarantees as report_guarantees

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Every property test draws the same examples on every run, with no time limit per example, so a
# failure is the code's, never the draw's or a busy machine's. HYPOTHESIS_PROFILE=explore draws
# new ones (and keeps what fails in .hypothesis/ to try first next time).
hypothesis.settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.register_profile("explore", deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({database.get('HOST') or database['NAME']})"


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (triggers, row locks or real concurrency); set DATABASE_URL"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


_flush = TransactionTestCase._fixture_teardown


def _flush_past_the_guarantees(self):
    """Emptying the tables after a transactional test is exactly what the ledger's and the
    snapshots' triggers refuse, so they step aside for the flush and come straight back."""
    names = self._databases_names(include_mirrors=False)
    for name in names:
        for module in (guarantees, report_guarantees):
            module.remove(connections[name])
    try:
        _flush(self)
    finally:
        for name in names:
            for module in (guarantees, report_guarantees):
                module.install(connections[name])


TransactionTestCase._fixture_teardown = _flush_past_the_guarantees


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request served in Welsh leaves Welsh active in
    its thread (the middleware activates the person's language), and a test of plain functions
    run after it would read Welsh words."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def demo_walk(django_db_setup, django_db_blocker):
    """Every demo role's pages, walked once per run with Django's client (tests/web/walk.py):
    the headers test and the Welsh pages test both read it. The walk's data is rolled back."""
    from tests.web.walk import walk_the_demo

    with django_db_blocker.unblock():
        return walk_the_demo()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def api_client():
    return Client()


@pytest.fixture
def bearer_for(api_client):
    """Headers with a fresh bearer token for a user, issued through the API itself."""

    def issue(user):
        response = api_client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return issue


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def venue(programme):
    """A venue approved in `programme`, with a budget as every approved organisation has."""
    return approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Leisure Centre")


@pytest.fixture
def pair(db):
    """A member of a programme holding 5 credits, and another member of the same programme."""
    from tests.credits.conftest import earn

    programme = ProgrammeFactory()
    giver, recipient = MemberFactory(programme=programme), MemberFactory(programme=programme)
    earn(giver, 300)
    return giver, recipient


@pytest.fixture
def venue_staff_after_a_sale(db):
    """A venue that accepted 1.5 credits for a swim this month, and one of its staff."""
    from tests.credits.conftest import approved_venue, earn, spend
    from tests.factories import ProgrammeFactory, StaffMembershipFactory

    programme = ProgrammeFactory()
    venue = approved_venue(programme)
    member = MemberFactory(programme=programme)
    earn(member, 300)
    spend(member, venue, 90, "s1", offer="Swim for two")
    return venue, StaffMembershipFactory(organisation=venue, role="venue_staff").user
