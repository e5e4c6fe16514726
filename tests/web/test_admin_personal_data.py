"""The Django admin shows personal data to platform staff only, and edits nothing that has a
service of its own."""

import pytest
from django.contrib.auth.models import Permission

from partners.models import Invitation
from tests.factories import MemberFactory, OrganisationFactory, SessionFactory, UserFactory
from timecredits.activities.models import Contribution

pytestmark = pytest.mark.django_db

PERSONAL = ["Quentella", "Marchbanks", "quentella@example.org", "+447700900123", "CF10 1AA"]


@pytest.fixture
def member():
    member = MemberFactory(
        user__first_name="Quentella",
        user__last_name="Marchbanks",
        user__email="quentella@example.org",
        user__phone="+447700900123",
        postcode="CF10 1AA",
        area="CF10",
    )
    Invitation.objects.create(
        organisation=OrganisationFactory(), email="quentella@example.org", role="coordinator"
    )
    return member


def _pages(member):
    invitation = Invitation.objects.get()
    return [
        "/admin/members/member/",
        f"/admin/members/member/{member.pk}/change/",
        "/admin/members/user/",
        f"/admin/members/user/{member.user.pk}/change/",
        "/admin/partners/invitation/",
        f"/admin/partners/invitation/{invitation.pk}/change/",
    ]


def test_staff_who_are_not_platform_staff_see_codes_not_personal_data(client, member):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(staff)

    for page in _pages(member):
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        for secret in [*PERSONAL, "CF10"]:
            assert secret not in text, (page, secret)
    assert member.code in client.get("/admin/members/member/").content.decode()


def test_platform_staff_see_personal_data(client, member):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    text = "".join(client.get(page).content.decode() for page in _pages(member))

    for secret in [*PERSONAL, "CF10"]:
        assert secret in text


def test_contributions_cannot_be_changed_in_the_admin(client):
    session = SessionFactory()
    contribution = Contribution.objects.create(
        member=MemberFactory(programme=session.activity.programme),
        session=session,
        status=Contribution.Status.PENDING,
        minutes=60,
        checked_in_at=session.starts_at,
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    change = client.post(
        f"/admin/activities/contribution/{contribution.pk}/change/",
        {"status": "approved", "minutes": 600},
    )

    assert change.status_code == 403
    assert (
        client.get(f"/admin/activities/contribution/{contribution.pk}/change/").status_code == 200
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.minutes) == ("pending", 60)
