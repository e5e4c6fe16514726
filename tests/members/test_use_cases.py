"""The members' use cases: who may act on a profile (the member API's 403 against the 404 of
having none), the sign-up limit counting every attempt, and a group's cards."""

import pytest

from partners.models import StaffMembership
from tests.clock import moved_clock
from tests.factories import MemberFactory, OrganisationFactory, StaffMembershipFactory, UserFactory
from timecredits.errors import Invalid, NotFound, PermissionDenied, RateLimited
from timecredits.members import use_cases
from timecredits.members.models import Member

pytestmark = pytest.mark.django_db


def test_someone_without_a_member_profile_is_refused_the_profile_and_has_no_history():
    staff = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user

    with pytest.raises(PermissionDenied):
        use_cases.member_profile(actor=staff)
    with pytest.raises(NotFound):
        use_cases.member_credit_history(actor=staff)


def test_a_closed_member_has_no_member_profile():
    member = MemberFactory()
    use_cases.member_close(actor=member.user, confirm=True)

    with pytest.raises(NotFound) as missing:
        use_cases.own_member(actor=member.user)

    assert missing.value.message == "You do not have a member profile."


def test_a_refused_sign_up_form_still_counts_towards_the_limit(monkeypatch, settings):
    moved_clock(monkeypatch)
    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 1
    programme = MemberFactory().programme

    refused = use_cases.member_sign_up(
        client="192.0.2.7", programme_slug=programme.slug, details=None
    )

    assert refused is None
    with pytest.raises(RateLimited):
        use_cases.member_sign_up(client="192.0.2.7", programme_slug=programme.slug, details=None)
    assert Member.objects.count() == 1


def test_leaving_credits_to_a_group_outside_the_programme_is_refused_and_nothing_changes():
    member = MemberFactory()

    with pytest.raises(Invalid) as refused:
        use_cases.member_close(
            actor=member.user, confirm=True, donate_to_organisation_id=OrganisationFactory().pk
        )

    assert refused.value.detail == [
        {"field": "donate_to_organisation_id", "message": "Not a group here."}
    ]
    member.refresh_from_db()
    assert member.closed_at is None


def test_a_coordinator_replaces_only_the_cards_of_members_their_group_registered():
    group = OrganisationFactory()
    coordinator = StaffMembershipFactory(
        organisation=group, role=StaffMembership.Role.COORDINATOR
    ).user
    registered = MemberFactory(registered_by_organisation=group)
    joined_alone = MemberFactory()

    with pytest.raises(NotFound) as missing:
        use_cases.organisation_member_card_replace(
            actor=coordinator, organisation_id=group.pk, member_id=joined_alone.pk
        )
    with pytest.raises(PermissionDenied):
        use_cases.organisation_member_card_replace(
            actor=UserFactory(), organisation_id=group.pk, member_id=registered.pk
        )
    replaced = use_cases.organisation_member_card_replace(
        actor=coordinator, organisation_id=group.pk, member_id=registered.pk
    )

    assert missing.value.code == "member_not_found"
    assert replaced.pass_version == 2
    joined_alone.refresh_from_db()
    assert joined_alone.pass_version == 1
