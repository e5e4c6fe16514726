"""Lists the API answers as arrays come a page at a time (api.paging): `limit` and `offset`, and
a `Link` header naming the next page while more follow, so every row can be reached (the
organisation's contributions stopped at the oldest 500, a member's codes at the newest 100)."""

import datetime
import re

import pytest

from tests.api.test_verification import coordinator_of, pending
from tests.factories import ContributionFactory, FinishedSessionFactory, MemberFactory

pytestmark = pytest.mark.django_db


def every_page(client, url) -> tuple[list[list[int]], list[str]]:
    """The ids on each page, following `Link` from `url`, and the addresses followed."""
    pages, followed = [], []
    while url:
        followed.append(url)
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append([row["id"] for row in response.json()])
        link = re.fullmatch(r'<([^>]+)>; rel="next"', response.get("Link", ""))
        url = link[1] if link else None
    return pages, followed


def test_an_organisations_waiting_time_is_reached_page_by_page_oldest_first(client):
    first = FinishedSessionFactory()
    sessions = [first] + [
        FinishedSessionFactory(
            activity=first.activity, starts_at=first.starts_at - n * datetime.timedelta(days=1)
        )
        for n in range(1, 5)
    ]
    waiting = [pending(s) for s in sorted(sessions, key=lambda s: s.starts_at)]
    client.force_login(coordinator_of(first))
    url = f"/api/v1/organisations/{first.activity.organisation_id}/contributions"

    pages, followed = every_page(client, f"{url}?status=pending&limit=2")

    assert pages == [[c.pk for c in waiting[:2]], [c.pk for c in waiting[2:4]], [waiting[4].pk]]
    assert followed[1] == f"{url}?status=pending&limit=2&offset=2"


def test_a_members_contributions_are_reached_page_by_page_newest_first(client):
    member = MemberFactory()
    made = [
        ContributionFactory(
            member=member,
            session__activity__programme=member.programme,
            checked_in_at=datetime.datetime(2026, 5, day, 10, tzinfo=datetime.UTC),
        )
        for day in range(1, 4)
    ]
    client.force_login(member.user)

    pages, _ = every_page(client, "/api/v1/me/contributions?limit=2")

    assert pages == [[made[2].pk, made[1].pk], [made[0].pk]]


def test_an_activitys_sessions_are_reached_page_by_page_earliest_first(client):
    first = FinishedSessionFactory()
    later = [
        FinishedSessionFactory(
            activity=first.activity, starts_at=first.starts_at + n * datetime.timedelta(days=7)
        )
        for n in range(1, 3)
    ]
    client.force_login(coordinator_of(first))

    pages, _ = every_page(client, f"/api/v1/activities/{first.activity_id}/sessions?limit=2")

    assert pages == [[first.pk, later[0].pk], [later[1].pk]]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "offset=-1", "offset=1000001", "limit=x"]
)
def test_a_page_outside_its_bounds_is_422(client, query):
    member = MemberFactory()
    client.force_login(member.user)

    for url in ("/api/v1/me/contributions", "/api/v1/me/redemptions"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 422, (url, query)
        assert response.json()["error"]["code"] in {"invalid", "number_out_of_range"}


def test_a_members_codes_are_reached_page_by_page_newest_first(client, venue, programme):
    from tests.spending.conftest import funded_member, make_offer
    from timecredits.spending.services.redemptions import redemption_create

    member = funded_member(programme)
    made = [
        redemption_create(
            member=member, offer=make_offer(venue, title=f"Swim {n}"), idempotency_key=f"k{n}"
        )[0]
        for n in range(3)
    ]
    client.force_login(member.user)

    pages, _ = every_page(client, "/api/v1/me/redemptions?limit=2")

    assert pages == [[made[2].pk, made[1].pk], [made[0].pk]]
