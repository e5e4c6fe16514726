"""Every link on each demo role's home answers 200 for the person shown it: a home offers only
the work that person can do there (no statement for a group that is not a venue, no settings
for a coordinator, no approvals for a commissioner)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import ContributionFactory, SessionFactory
from tests.spending.conftest import make_offer
from tests.web.pages import links
from timecredits.activities.models import Activity
from timecredits.members.models import Member
from timecredits.ops.demo import seed_demo
from timecredits.spending.services.redemptions import redemption_create

pytestmark = pytest.mark.django_db

DEMO_ROLES = ["amira", "coordinator", "groupadmin", "venue", "programme", "commissioner", "admin"]


@pytest.fixture
def demo():
    """The demo data, with a session today at the coordinator's group, time waiting there, and
    a code booked at the venue today, so that every part of every home has rows."""
    seed_demo()
    activity = Activity.objects.filter(organisation__slug="riverside-lunch-club").earliest("pk")
    later = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    session = SessionFactory(activity=activity, starts_at=later)
    amira = Member.objects.get(user__username="amira")
    ContributionFactory(session=session, member=amira, status="pending", minutes=60)
    venue = get_user_model().objects.get(username="venue").staff_memberships.get().organisation
    redemption_create(
        member=amira, offer=make_offer(venue, title="Swim", cost_minutes=60), idempotency_key="h"
    )
    return session


def test_every_link_on_every_demo_home_answers_200(client, demo):
    broken = []
    followed = {}
    for username in DEMO_ROLES:
        client.force_login(get_user_model().objects.get(username=username))
        home = client.get("/")
        assert home.status_code == 200
        paths = sorted(set(links(home.content.decode())))
        followed[username] = paths
        broken += [
            f"{username}: {path} answers {status}"
            for path in paths
            if (status := client.get(path).status_code) != 200
        ]
        client.logout()

    assert broken == []
    assert f"/sessions/{demo.pk}/" in followed["coordinator"]
    assert f"/organisations/{demo.activity.organisation_id}/settings/" in followed["groupadmin"]
    assert not any(p.endswith("/settings/") for p in followed["coordinator"])
    assert not any(p.endswith("/statement/") for p in followed["groupadmin"])
    assert any(p.endswith("/redeem/") for p in followed["venue"])
    assert any(p.endswith("/reports/") for p in followed["commissioner"])
    assert any(p.endswith("/reports/snapshots/") for p in followed["commissioner"])
    assert not any(p.endswith("/admin/") for p in followed["commissioner"])


def test_the_homes_twelve_months_open_as_the_same_twelve_months(client, demo):
    # "The last 12 months … Hours given 4,265.5" opened a dashboard of this month (109.5 hours).
    import re

    client.force_login(get_user_model().objects.get(username="commissioner"))
    home = client.get("/").content.decode()
    dashboard = re.search(
        r'href="([^"]*/reports/\?period=custom[^"]*)"[^>]*>.*?Open the dashboard', home, re.S
    )
    outcomes = re.search(r'href="([^"]*/reports/outcomes/\?period=custom[^"]*)"', home)

    assert dashboard and outcomes
    query = dashboard[1].split("?", 1)[1].replace("&amp;", "&")
    assert outcomes[1].endswith(query.replace("&", "&amp;"))
    page = client.get(dashboard[1].replace("&amp;", "&"))
    assert page.status_code == 200
    start, end = page.context["report"]["period_start"], page.context["report"]["period_end"]
    assert (end - start).days >= 364
