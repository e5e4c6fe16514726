"""Replacing a member card: the old card's code is refused from then on, the new one works."""

import pytest

from partners.models import StaffMembership
from tests.factories import MemberFactory, SessionFactory, StaffMembershipFactory
from timecredits.activities.models import Contribution
from timecredits.errors import PermissionDenied
from timecredits.members import passes
from timecredits.members.models import Member
from timecredits.members.services import member_card_replace

pytestmark = pytest.mark.django_db

# The card's URL is on the host the request came to (SITE_URL is not set in tests).
PREFIX = "http://testserver/p/"


def coordinator_of(organisation):
    return StaffMembershipFactory(
        organisation=organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def printed_card(member) -> str:
    return passes.pass_token(member_id=member.pk, pass_version=member.pass_version)


def scan(client, headers, session, card):
    return client.post(
        f"/api/v1/sessions/{session.pk}/pass-checkins",
        {"pass_token": card},
        content_type="application/json",
        headers=headers,
    )


def test_a_member_replaces_their_card_and_the_old_card_is_refused_with_a_clear_message(
    client, bearer_for
):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    old_card = printed_card(member)
    coordinator = bearer_for(coordinator_of(session.activity.organisation))

    response = client.post("/api/v1/members/me/card/replace", headers=bearer_for(member.user))

    assert response.status_code == 200, response.content
    new_card = printed_card(Member.objects.get(pk=member.pk))
    assert response.json() == {"code": member.code, "pass_url": PREFIX + new_card}
    refused = scan(client, coordinator, session, old_card)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "pass_revoked"
    assert refused.json()["error"]["message"] == (
        "This member card has been replaced. Ask the member for their new card."
    )
    assert Contribution.objects.count() == 0
    accepted = scan(client, coordinator, session, new_card)
    assert accepted.status_code == 201
    assert list(Contribution.objects.values_list("member", "method")) == [(member.pk, "pass")]


def test_a_coordinator_reissues_the_card_of_a_member_their_group_registered(client, bearer_for):
    session = SessionFactory()
    group = session.activity.organisation
    member = MemberFactory(programme=session.activity.programme, registered_by_organisation=group)
    old_card = printed_card(member)
    coordinator = bearer_for(coordinator_of(group))

    response = client.post(
        f"/api/v1/organisations/{group.pk}/members/{member.pk}/card/replace", headers=coordinator
    )

    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.pass_version == 2
    assert response.json() == {"code": member.code, "pass_url": PREFIX + printed_card(member)}
    assert scan(client, coordinator, session, old_card).json()["error"]["code"] == "pass_revoked"
    assert scan(client, coordinator, session, printed_card(member)).status_code == 201


def test_a_coordinator_of_another_group_cannot_reissue_a_card_and_nothing_changes(
    client, bearer_for
):
    session = SessionFactory()
    group = session.activity.organisation
    member = MemberFactory(programme=session.activity.programme, registered_by_organisation=group)
    outsider = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)

    through_their_group = client.post(
        f"/api/v1/organisations/{outsider.organisation_id}/members/{member.pk}/card/replace",
        headers=bearer_for(outsider.user),
    )
    through_the_members_group = client.post(
        f"/api/v1/organisations/{group.pk}/members/{member.pk}/card/replace",
        headers=bearer_for(outsider.user),
    )

    assert through_their_group.status_code == 404
    assert through_their_group.json()["error"]["code"] == "member_not_found"
    assert through_the_members_group.status_code == 403
    member.refresh_from_db()
    assert member.pass_version == 1


def test_nobody_but_the_member_replaces_the_card_of_a_member_who_joined_themself():
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    coordinator = coordinator_of(session.activity.organisation)

    with pytest.raises(PermissionDenied):
        member_card_replace(actor=coordinator, member=member)

    member.refresh_from_db()
    assert member.pass_version == 1
