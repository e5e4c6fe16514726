"""An organisation's staff, kept by its admins (partners.use_cases, its page and its routes):
invitations still waiting are listed, sent again and withdrawn, and a role is taken away from
someone who left, at once. The organisation always keeps an admin, however the removals race."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.utils import timezone

from partners import use_cases
from partners.models import Invitation, StaffMembership
from partners.services.organisations import INVITATION_SALT, invitation_open
from tests.factories import StaffMembershipFactory, UserFactory, approved_organisation
from tests.racing import race
from timecredits.errors import Conflict, Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db(transaction=True)  # invitations are emailed on commit


def _staffed():
    """An approved organisation with an admin and a coordinator."""
    organisation = approved_organisation()
    admin = StaffMembershipFactory(organisation=organisation, role="org_admin")
    coordinator = StaffMembershipFactory(organisation=organisation, role="coordinator")
    return organisation, admin, coordinator


def _invite(client, organisation, email="rosa@example.org", role="coordinator"):
    return client.post(
        f"/organisations/{organisation.pk}/",
        {"form": "invite", "email": email, "role": role},
    )


def _link(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


def test_the_admin_sees_invitations_waiting_and_sends_one_again(client):
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - Invitation.LINK_LIFETIME - timezone.timedelta(days=1)
    )

    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert "rosa@example.org" in page
    assert "The link stopped working on" in page

    again = _invite(client, organisation)  # the page's "Send again" posts the same form

    assert again.status_code == 302
    invitation.refresh_from_db()
    assert invitation.link_expired is False
    assert len(mail.outbox) == 2
    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert "The link works until" in page


def test_a_withdrawn_invitation_no_longer_lets_anyone_in(client):
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    invitation = Invitation.objects.get()

    withdrawn = client.post(
        f"/organisations/{organisation.pk}/invitations/{invitation.pk}/withdraw/", follow=True
    )
    assert "Its link no longer works" in withdrawn.content.decode()
    assert "Invited, not joined yet" not in withdrawn.content.decode()

    rosa = UserFactory()
    client.force_login(rosa)
    refused = client.post(
        "/api/v1/invitations/accept",
        {"token": _link(mail.outbox[0])},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invitation_withdrawn")
    assert not StaffMembership.objects.filter(user=rosa).exists()


def test_withdrawing_twice_is_done_once_and_an_accepted_invitation_cannot_be(client):
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    invitation = Invitation.objects.get()
    path = f"/api/v1/organisations/{organisation.pk}/invitations/{invitation.pk}"

    assert client.delete(path).status_code == 204
    first = Invitation.objects.get().withdrawn_at
    assert client.delete(path).status_code == 204
    assert Invitation.objects.get().withdrawn_at == first
    assert client.get(path.rsplit("/", 1)[0]).json() == []

    _invite(client, organisation, email="sam@example.org")
    sam = Invitation.objects.get(email="sam@example.org")
    client.force_login(UserFactory())
    client.post(
        "/api/v1/invitations/accept",
        {"token": _link(mail.outbox[-1])},
        content_type="application/json",
    )
    client.force_login(admin.user)
    refused = client.delete(path.rsplit("/", 1)[0] + f"/{sam.pk}")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "invitation_used")
    sam.refresh_from_db()
    assert sam.withdrawn_at is None


def test_inviting_after_a_withdrawal_makes_a_new_invitation_that_works(client):
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    old = Invitation.objects.get()
    client.post(f"/organisations/{organisation.pk}/invitations/{old.pk}/withdraw/")

    _invite(client, organisation, role="org_admin")

    new = Invitation.objects.exclude(pk=old.pk).get()
    assert (new.role, new.withdrawn_at) == ("org_admin", None)
    rosa = UserFactory()
    client.force_login(rosa)
    client.post(f"/invitations/{_link(mail.outbox[-1])}/accept")
    assert list(StaffMembership.objects.filter(user=rosa).values_list("role", flat=True)) == [
        "org_admin"
    ]


def test_a_removed_coordinator_loses_the_organisation_at_once(client):
    organisation, admin, coordinator = _staffed()
    client.force_login(coordinator.user)
    assert client.get(f"/organisations/{organisation.pk}/verify/").status_code == 200

    client.force_login(admin.user)
    removed = client.post(
        f"/organisations/{organisation.pk}/staff/{coordinator.pk}/remove/", follow=True
    )
    assert "no longer has the role of coordinator here" in removed.content.decode()
    assert not StaffMembership.objects.filter(pk=coordinator.pk).exists()

    client.force_login(coordinator.user)
    assert client.get(f"/organisations/{organisation.pk}/verify/").status_code == 403
    assert client.get(f"/organisations/{organisation.pk}/").status_code == 403


def test_a_second_tap_on_remove_says_it_is_done_and_changes_nothing(client):
    organisation, admin, coordinator = _staffed()
    client.force_login(admin.user)
    path = f"/organisations/{organisation.pk}/staff/{coordinator.pk}/remove/"
    client.post(path)

    again = client.post(path, follow=True)

    assert again.status_code == 200
    assert "already taken away" in again.content.decode()
    assert StaffMembership.objects.filter(organisation=organisation).count() == 1


def test_the_last_admin_cannot_remove_themself_but_one_of_two_can(client):
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    path = f"/api/v1/organisations/{organisation.pk}/staff/{admin.pk}"

    refused = client.delete(path)

    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "last_admin")
    assert StaffMembership.objects.filter(pk=admin.pk).exists()

    StaffMembershipFactory(organisation=organisation, role="org_admin")
    page = client.post(f"/organisations/{organisation.pk}/staff/{admin.pk}/remove/")
    assert (page.status_code, page.url) == (302, "/")  # the page is no longer theirs
    assert not StaffMembership.objects.filter(pk=admin.pk).exists()


def test_an_invitation_sent_again_in_another_role_retires_the_first_link():
    # The link named only the invitation: one sent for a coordinator, re-sent as an admin,
    # made whoever held the first link an admin.
    organisation, admin, _ = _staffed()
    _, first = use_cases.invitation_create(
        actor=admin.user, organisation_id=organisation.pk, email="x@example.org", role="coordinator"
    )
    _, second = use_cases.invitation_create(
        actor=admin.user, organisation_id=organisation.pk, email="x@example.org", role="org_admin"
    )
    holder, invitee = UserFactory(), UserFactory(email="x@example.org")

    with pytest.raises(Invalid) as refused:
        use_cases.invitation_accept(actor=holder, token=first)
    joined, _landing = use_cases.invitation_accept(actor=invitee, token=second)

    assert refused.value.code == "invitation_replaced"
    assert not StaffMembership.objects.filter(user=holder).exists()
    assert (joined.user, joined.role) == (invitee, "org_admin")


def test_a_link_sent_before_links_carried_their_sending_works_until_it_is_sent_again():
    organisation, admin, _ = _staffed()
    invitation, _ = use_cases.invitation_create(
        actor=admin.user, organisation_id=organisation.pk, email="x@example.org", role="coordinator"
    )
    old_link = signing.dumps(invitation.pk, salt=INVITATION_SALT)

    assert invitation_open(old_link) == invitation
    # Sent again, in another role, a minute later.
    Invitation.objects.filter(pk=invitation.pk).update(
        role="org_admin", sent_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    with pytest.raises(Invalid) as refused:
        invitation_open(old_link)
    assert refused.value.code == "invitation_replaced"


def test_only_the_organisations_admins_keep_its_staff():
    organisation, admin, coordinator = _staffed()
    elsewhere = StaffMembershipFactory(role="org_admin")
    invitation, _ = use_cases.invitation_create(
        actor=admin.user, organisation_id=organisation.pk, email="x@example.org", role="coordinator"
    )

    with pytest.raises(PermissionDenied):
        use_cases.staff_remove(
            actor=coordinator.user, organisation_id=organisation.pk, membership_id=admin.pk
        )
    with pytest.raises(PermissionDenied):
        use_cases.invitation_withdraw(
            actor=coordinator.user, organisation_id=organisation.pk, invitation_id=invitation.pk
        )
    # Another organisation's role or invitation is not found through this one.
    with pytest.raises(NotFound):
        use_cases.staff_remove(
            actor=admin.user, organisation_id=organisation.pk, membership_id=elsewhere.pk
        )
    other, _ = use_cases.invitation_create(
        actor=elsewhere.user,
        organisation_id=elsewhere.organisation_id,
        email="y@example.org",
        role="coordinator",
    )
    with pytest.raises(NotFound):
        use_cases.invitation_withdraw(
            actor=admin.user, organisation_id=organisation.pk, invitation_id=other.pk
        )
    assert StaffMembership.objects.count() == 3
    assert Invitation.objects.filter(withdrawn_at__isnull=False).count() == 0


@pytest.mark.postgres
def test_two_admins_removing_each_other_at_once_leave_one_admin():
    organisation, first, _ = _staffed()
    second = StaffMembershipFactory(organisation=organisation, role="org_admin")

    outcomes = race(
        [
            lambda: use_cases.staff_remove(
                actor=first.user, organisation_id=organisation.pk, membership_id=second.pk
            ),
            lambda: use_cases.staff_remove(
                actor=second.user, organisation_id=organisation.pk, membership_id=first.pk
            ),
        ]
    )

    # The second finds its admin removed by the first and removes nobody: refused by its
    # permission check when the first had committed by then, else under the admins' lock.
    codes = sorted(code for code, _ in outcomes)
    assert codes in (["forbidden", "ok"], ["no_longer_admin", "ok"]), codes
    assert StaffMembership.objects.filter(organisation=organisation, role="org_admin").count() == 1


def test_an_admin_removed_meanwhile_removes_nobody():
    # Their permission was checked before the removal that took it away committed.
    from partners.services.organisations import staff_remove

    organisation, first, coordinator = _staffed()
    second = StaffMembershipFactory(organisation=organisation, role="org_admin")
    staff_remove(membership=second, removed_by=first.user)

    with pytest.raises(Conflict) as refused:
        staff_remove(membership=coordinator, removed_by=second.user)

    assert refused.value.code == "no_longer_admin"
    assert StaffMembership.objects.filter(pk=coordinator.pk).exists()


def test_an_invitations_page_names_the_organisation_and_role_or_says_why_it_is_dead(client):
    # It said only "an organisation's staff", and a dead link failed only after Accept.
    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    token = _link(mail.outbox[0])
    client.force_login(UserFactory())

    live = client.get(f"/invitations/{token}/").content.decode()
    client.force_login(admin.user)
    client.post(
        f"/organisations/{organisation.pk}/invitations/{Invitation.objects.get().pk}/withdraw/"
    )
    client.force_login(UserFactory())
    dead = client.get(f"/invitations/{token}/").content.decode()

    assert f"Join {organisation.name}" in live and "as coordinator" in live
    assert "Accept the invitation" in live
    assert "This invitation was withdrawn." in dead
    assert "Accept the invitation" not in dead


def test_the_page_offers_no_remove_button_that_must_fail(client):
    # The one admin's "Remove" could only ever be refused.
    organisation, admin, coordinator = _staffed()
    client.force_login(admin.user)

    page = client.get(f"/organisations/{organisation.pk}/").content.decode()

    assert f"/staff/{coordinator.pk}/remove/" in page
    assert f"/staff/{admin.pk}/remove/" not in page


class Refusing:
    """A mail server that refuses every message, as an outage does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("554 refused")


def test_an_invitation_whose_email_failed_says_so_and_the_sweep_sends_it(client, settings):
    # The page said "Sent 6 December" for an invitation whose email the mail server refused,
    # and nothing tried it again.
    from partners.tasks import send_unemailed_invitations

    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    _invite(client, organisation)
    invitation = Invitation.objects.get()
    at_once = client.get(f"/organisations/{organisation.pk}/").content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    refused = client.get(f"/organisations/{organisation.pk}/").content.decode()

    swept = send_unemailed_invitations()

    assert "Being emailed now" in at_once  # its task may still be waiting for a worker
    assert "Not emailed yet" in refused and "Sent " not in refused
    assert swept == 1 and [m.to for m in mail.outbox] == [["rosa@example.org"]]
    invitation.refresh_from_db()
    assert invitation.emailed
    assert send_unemailed_invitations() == 0  # once
    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert "The link works until" in page
    assert client.post(f"/invitations/{_link(mail.outbox[0])}/accept").status_code == 302


def test_a_late_task_sends_nothing_for_a_sending_overtaken_or_already_emailed(client):
    # A task that waited for a worker mailed a link already replaced, and marked the newer
    # sending emailed; or mailed again what the sweep had sent meanwhile.
    from partners.tasks import send_invitation_email

    organisation, admin, _ = _staffed()
    client.force_login(admin.user)
    _invite(client, organisation)
    first = _link(mail.outbox[-1])
    _invite(client, organisation)  # sent again: a new link, emailed
    invitation = Invitation.objects.get()
    emails = len(mail.outbox)

    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=None)
    send_invitation_email(invitation.pk, first)  # the first sending's task, late
    overtaken = Invitation.objects.get(pk=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
    send_invitation_email(invitation.pk, _link(mail.outbox[-1]))  # sent by the sweep already

    assert len(mail.outbox) == emails  # neither sent anything
    assert not overtaken.emailed  # nor called the newer sending emailed


def test_someone_removed_from_the_staff_cannot_come_back_through_their_old_link():
    """Accepting again is the same acceptance only while its role stands, and only moments
    after: the review found a removed admin put back by opening the email's link again."""
    from partners.services.organisations import invitation_accept, invitation_create, staff_remove

    admin = StaffMembershipFactory(role=StaffMembership.Role.ORG_ADMIN)
    _, token = invitation_create(
        actor=admin.user,
        organisation=admin.organisation,
        email="rosa@example.org",
        role="org_admin",
    )
    rosa = UserFactory()
    first = invitation_accept(actor=rosa, token=token)
    assert invitation_accept(actor=rosa, token=token) == first  # a double tap

    staff_remove(membership=first, removed_by=admin.user)

    with pytest.raises(Exception) as refused:
        invitation_accept(actor=rosa, token=token)
    assert refused.value.code == "invitation_used"
    assert not StaffMembership.objects.filter(user=rosa).exists()
