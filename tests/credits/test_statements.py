"""Venue statements (figures and CSV) and the monthly retire job, run through django-q2."""

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from ledger.models import Account, Transfer
from ledger.selectors import organisation_account, programme_account
from ledger.services import transfer_post, transfer_reverse
from ledger.verify import ledger_verify
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
)
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.credits.errors import MonthInvalid, NotAVenue
from timecredits.credits.selectors import parse_month, previous_month, venue_statement
from timecredits.credits.services.statements import (
    credits_retire_month,
    retirement_programme,
    statement_csv,
)
from timecredits.credits.use_cases import statement_show
from timecredits.errors import PermissionDenied
from timecredits.spending.services.redemptions import redemption_complete, redemption_create

from .conftest import approved_venue, balance, earn, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    """A venue that accepted 2 credits and a 1-credit swim this month, and refunded the swim."""
    programme = ProgrammeFactory()
    venue = approved_venue(programme)
    member = MemberFactory(programme=programme)
    earn(member, 600)
    spend(member, venue, 120, "s1", offer="Cinema ticket")
    swim = spend(member, venue, 60, "s2")
    transfer_reverse(transfer=swim, idempotency_key="refund", memo="Pool closed")
    return programme, venue, member


def statement_for(actor, organisation):
    """This month's statement, as the page and the API ask for it."""
    return statement_show(
        actor=actor, organisation_id=organisation.pk, month=f"{this_month():%Y-%m}"
    ).statement


def this_month():
    return timezone.localdate().replace(day=1)


def test_a_statement_lists_what_the_venue_accepted_and_refunded(accepted):
    _, venue, _ = accepted

    statement = venue_statement(organisation=venue, month=this_month())

    assert [(line.transfer.memo, line.minutes) for line in statement.lines] == [
        ("Cinema ticket", 120),
        ("Swim", 60),
        ("Pool closed", -60),
    ]
    assert (statement.accepted, statement.refunded, statement.net) == (180, 60, 120)
    assert statement.retired is None


def test_other_months_and_other_kinds_are_not_on_the_statement(accepted):
    _, venue, _ = accepted
    last_month = previous_month(timezone.localdate())

    assert venue_statement(organisation=venue, month=last_month).lines == []


def test_the_csv_has_one_row_per_transfer_and_the_totals(accepted):
    _, venue, _ = accepted
    statement = venue_statement(organisation=venue, month=this_month())
    ids = [line.transfer.pk for line in statement.lines]
    dates = [
        timezone.localtime(line.transfer.posted_at).strftime("%Y-%m-%d %H:%M")
        for line in statement.lines
    ]

    text = statement_csv(statement)

    assert text.splitlines() == [
        "date,transfer,kind,cause,description,minutes,credits",
        f"{dates[0]},{ids[0]},spend,redemption:7,Cinema ticket,120,2",
        f"{dates[1]},{ids[1]},spend,redemption:7,Swim,60,1",
        f"{dates[2]},{ids[2]},reverse,redemption:7,Pool closed,-60,-1",
        ",,total,accepted,,180,3",
        ",,total,refunded,,-60,-1",
        ",,total,net,,120,2",
    ]


@pytest.mark.parametrize("role", ["venue_staff", "org_admin"])
def test_venue_staff_and_org_admins_see_the_statement(accepted, role):
    _, venue, _ = accepted
    staff = StaffMembershipFactory(organisation=venue, role=role).user

    assert statement_for(staff, venue).net == 120


def test_others_cannot_see_a_venue_s_statement(accepted):
    _, venue, member = accepted
    coordinator = StaffMembershipFactory(organisation=venue, role="coordinator").user
    elsewhere = StaffMembershipFactory(role="org_admin").user

    for actor in (coordinator, elsewhere, member.user):
        with pytest.raises(PermissionDenied):
            statement_for(actor, venue)


def test_a_group_that_accepts_no_credits_has_no_statement():
    group = OrganisationFactory(kind="group")
    admin = StaffMembershipFactory(organisation=group, role="org_admin").user

    with pytest.raises(NotAVenue):
        statement_for(admin, group)


def test_a_month_is_read_as_yyyy_mm():
    assert str(parse_month("2026-03")) == "2026-03-01"
    with pytest.raises(MonthInvalid):
        parse_month("March")


def test_the_retire_job_retires_the_month_once_through_django_q(accepted):
    programme, venue, _ = accepted
    month = this_month().strftime("%Y-%m")

    async_task("timecredits.credits.tasks.retire_accepted_credits", month)
    async_task("timecredits.credits.tasks.retire_accepted_credits", month)

    (retired,) = Transfer.objects.filter(kind="retire")
    assert (retired.amount, retired.idempotency_key) == (120, f"retire:{venue.pk}:{month}")
    assert retired.memo == f"Credits accepted in {this_month():%B %Y}"
    retirement = programme_account(programme=programme, kind=Account.Kind.RETIREMENT)
    assert (balance(organisation_account(organisation=venue)), balance(retirement)) == (0, 120)
    assert venue_statement(organisation=venue, month=this_month()).retired == retired
    assert ledger_verify().problems == []


def test_a_venue_can_only_retire_what_it_still_holds(accepted):
    programme, venue, _ = accepted
    neighbour = approved_venue(programme, kind="group")
    transfer_post(
        debit=organisation_account(organisation=venue),
        credit=organisation_account(organisation=neighbour),
        amount=100,
        kind=Transfer.Kind.GIFT,
        idempotency_key="shared",
    )

    (retired,) = credits_retire_month(month=this_month())

    assert retired.amount == 20
    assert balance(organisation_account(organisation=venue)) == 0


def test_a_venue_in_several_programmes_retires_into_the_one_it_joined_first():
    later, first = ProgrammeFactory(), ProgrammeFactory()
    venue = approved_venue(first, later)
    member = MemberFactory(programme=later)
    earn(member, 60)
    spend(member, venue, 60, "s")

    credits_retire_month(month=this_month())

    assert retirement_programme(venue=venue) == first
    assert balance(programme_account(programme=first, kind=Account.Kind.RETIREMENT)) == 60
    assert balance(programme_account(programme=later, kind=Account.Kind.RETIREMENT)) == 0


def test_the_job_retires_the_previous_month_by_default(accepted):
    assert credits_retire_month() == []  # this month's spending waits for next month's run
    assert Transfer.objects.filter(kind="retire").count() == 0


def test_a_statement_line_names_the_offer_a_code_was_used_for():
    # Each line said only "Spent": a captured hold's posting carries no memo of its own, and
    # the venue could not reconcile its statement.
    programme = ProgrammeFactory()
    venue = approved_venue(programme)
    offer = make_offer(venue, title="Family swim")
    redemption, _ = redemption_create(
        member=funded_member(programme), offer=offer, idempotency_key="k"
    )
    redemption_complete(
        actor=venue_staff(venue), venue=venue, code=redemption.code, idempotency_key="t"
    )

    statement = venue_statement(organisation=venue, month=this_month())

    assert [(line.description, line.minutes) for line in statement.lines] == [
        ("Family swim", offer.cost_minutes)
    ]
    assert ",Family swim," in statement_csv(statement)
