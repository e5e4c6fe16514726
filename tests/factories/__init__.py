"""factory-boy factories for the domain; tests/conftest.py exposes the common ones as fixtures."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from ledger.models import Account
from ledger.services import account_open, programme_accounts_open
from partners.models import Organisation, StaffMembership
from timecredits.members.models import Member
from timecredits.programmes.models import Programme, ProgrammeRole

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Names no page could print by chance (a Faker "White" or "Will" turns up in a form's
    # choices), so a test that a name is nowhere on a page fails only when a name leaks.
    first_name = factory.Sequence(lambda n: f"Given{n:06d}")
    last_name = factory.Sequence(lambda n: f"Family{n:06d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    area = "Riverside"
    starts_on = datetime.date(2026, 1, 1)
    accounts = factory.PostGeneration(
        lambda programme, create, _, **__: create and programme_accounts_open(programme=programme)
    )


def _account_opened(kind: str, owner: str):
    """Open the new owner's ledger account, as the services that create owners do."""
    return factory.PostGeneration(
        lambda created, create, _, **__: create and account_open(kind=kind, **{owner: created})
    )


class _RoleFactory(factory.django.DjangoModelFactory):
    """A user's role in a programme or an organisation."""

    class Meta:
        abstract = True

    user = factory.SubFactory(UserFactory)


class ProgrammeRoleFactory(_RoleFactory):
    class Meta:
        model = ProgrammeRole

    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeRole.Role.COMMISSIONER


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.GROUP
    account = _account_opened(Account.Kind.ORGANISATION, "organisation")


class StaffMembershipFactory(_RoleFactory):
    class Meta:
        model = StaffMembership

    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffMembership.Role.COORDINATOR


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    new_to_volunteering = False
    terms_accepted_at = factory.LazyFunction(timezone.now)
    reports_consent = True
    surveys_consent = True
    account = _account_opened(Account.Kind.MEMBER, "member")


class AccountFactory(factory.django.DjangoModelFactory):
    """A floored account with no owner, for ledger tests that need many cheap accounts."""

    class Meta:
        model = Account

    kind = Account.Kind.SYSTEM
    name = factory.Sequence(lambda n: f"test account {n}")
    has_floor = True


def approved_organisation(programme=None, **kwargs):
    """An organisation approved in a programme (a new one unless given)."""
    from partners.models import Participation

    organisation = OrganisationFactory(**kwargs)
    programme = programme or ProgrammeFactory()
    Participation.objects.create(programme=programme, organisation=organisation, status="approved")
    fund(organisation, programme)
    return organisation


def coordinator_taking_part(programme=None) -> StaffMembership:
    """A coordinator of a group that takes part (approved) in a programme, a new one unless
    given; the group has no budget."""
    from partners.models import Participation

    coordinator = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    Participation.objects.create(
        programme=programme or ProgrammeFactory(),
        organisation=coordinator.organisation,
        status="approved",
    )
    return coordinator


def fund(organisation, programme, *, minutes=100 * 60):
    """Give a group a budget from its programme, as a programme admin's allocation would."""
    from ledger.selectors import issuance_account, organisation_account
    from ledger.services import transfer_post

    return transfer_post(
        debit=issuance_account(programme=programme, spread_by=organisation.pk),
        credit=organisation_account(organisation=organisation),
        amount=minutes,
        kind="allocate",
        idempotency_key=f"test-budget:{organisation.pk}:{programme.pk}:{minutes}",
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.Activity"

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.LazyAttribute(lambda a: approved_organisation(a.programme))
    title = factory.Sequence(lambda n: f"Activity {n}")
    type = "formal_volunteering"


class SessionFactory(factory.django.DjangoModelFactory):
    """A two-hour session that started half an hour ago, unless told otherwise."""

    class Meta:
        model = "activities.Session"

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))
    location = "Community hall"


class FinishedSessionFactory(SessionFactory):
    """A two-hour session that ended an hour ago: time given at it can be approved."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))


class ContributionFactory(factory.django.DjangoModelFactory):
    """Time a member gave at a session, waiting for a coordinator: a claim for the hour after the
    session started, at a session that ended an hour ago, unless told otherwise."""

    class Meta:
        model = "activities.Contribution"

    session = factory.SubFactory("tests.factories.FinishedSessionFactory")
    member = factory.SubFactory(
        MemberFactory, programme=factory.SelfAttribute("..session.activity.programme")
    )
    method = "claim"
    status = "pending"
    minutes = 60
    checked_in_at = factory.SelfAttribute("session.starts_at")
    checked_out_at = factory.LazyAttribute(
        lambda c: c.session.starts_at + datetime.timedelta(minutes=c.minutes)
    )
