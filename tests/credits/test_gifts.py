"""Gifts between members, donations, and gifts between organisations, through the services."""

import pytest
from django.test import override_settings

from ledger.models import Account, Transfer
from ledger.selectors import organisation_account, programme_account
from ledger.verify import ledger_verify
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from timecredits.credits import use_cases
from timecredits.credits.errors import (
    AmountInvalid,
    DailyGiftLimit,
    GiftToSelf,
    NotEnoughCredits,
    OrganisationNotEligible,
    ReasonMissing,
    RecipientClosed,
    RecipientInOtherProgramme,
    RecipientNotFound,
)
from timecredits.credits.services.gifts import (
    donate,
    gift_to_member,
    gifts_left_today,
    member_account_settle,
    organisation_gift,
    recipient_by_code,
    recipient_by_pass,
)
from timecredits.errors import PermissionDenied
from timecredits.members.passes import pass_token
from timecredits.notifications.models import Notification

from .conftest import balance

pytestmark = pytest.mark.django_db


def _gift(giver, recipient, minutes, key="k1", **kwargs):
    return gift_to_member(
        actor=giver.user, recipient=recipient, minutes=minutes, idempotency_key=key, **kwargs
    )


def test_a_member_gives_credits_by_member_code(pair):
    giver, recipient = pair

    found = recipient_by_code(code=f" {recipient.code[:4].lower()}-{recipient.code[4:]} ")
    transfer = _gift(giver, found, 90, message="Thanks for the lift")

    assert found == recipient
    assert (transfer.kind, transfer.amount, transfer.memo) == ("gift", 90, "Thanks for the lift")
    assert (balance(giver), balance(recipient)) == (210, 90)
    assert (transfer.debit_balance_after, transfer.credit_balance_after) == (210, 90)
    assert ledger_verify().problems == []


def test_a_code_read_with_lookalike_letters_still_finds_the_member(pair):
    _, recipient = pair
    recipient.code = "10ABCDEF"
    recipient.save(update_fields=["code"])

    assert recipient_by_code(code="lOabcdef") == recipient


def test_an_unknown_code_is_refused(pair):
    with pytest.raises(RecipientNotFound) as refused:
        recipient_by_code(code="ZZZZZZZZ")

    assert refused.value.code == "recipient_not_found"


def test_a_member_gives_credits_by_scanning_a_pass(pair):
    giver, recipient = pair

    found = recipient_by_pass(pass_token=pass_token(member_id=recipient.pk, pass_version=1))
    _gift(giver, found, 60)

    assert (balance(giver), balance(recipient)) == (240, 60)


def test_giving_to_yourself_is_refused_and_changes_nothing(pair):
    giver, _ = pair

    with pytest.raises(GiftToSelf) as refused:
        _gift(giver, giver, 60)

    assert refused.value.message == "You cannot give credits to yourself."
    assert balance(giver) == 300
    assert Transfer.objects.filter(kind="gift").count() == 0


def test_giving_to_a_member_of_another_programme_is_refused(pair):
    giver, _ = pair
    stranger = MemberFactory(programme=ProgrammeFactory())

    with pytest.raises(RecipientInOtherProgramme):
        _gift(giver, stranger, 60)

    assert (balance(giver), balance(stranger)) == (300, 0)


def test_giving_to_a_closed_account_is_refused(pair):
    from timecredits.members.services import member_close

    giver, recipient = pair
    member_close(member=recipient, confirm=True)

    with pytest.raises(RecipientClosed):
        _gift(giver, recipient, 60)

    assert balance(giver) == 300


@pytest.mark.parametrize("minutes", [0, -60, 1.5, True])
def test_an_amount_below_a_minute_or_not_whole_is_refused(pair, minutes):
    giver, recipient = pair

    with pytest.raises(AmountInvalid):
        _gift(giver, recipient, minutes)

    assert (balance(giver), balance(recipient)) == (300, 0)


def test_giving_more_than_you_hold_is_refused_with_balances_unchanged(pair):
    giver, recipient = pair

    with pytest.raises(NotEnoughCredits) as refused:
        _gift(giver, recipient, 301)

    assert refused.value.code == "insufficient_credit"
    assert refused.value.message == "There are only 5 credits to give."
    assert (balance(giver), balance(recipient)) == (300, 0)
    assert Transfer.objects.filter(kind="gift").count() == 0
    assert ledger_verify().problems == []


def test_the_same_gift_sent_twice_gives_once(pair):
    giver, recipient = pair

    first = _gift(giver, recipient, 60, key="retry-me")
    again = _gift(giver, recipient, 60, key="retry-me")

    assert again.pk == first.pk
    assert (balance(giver), balance(recipient)) == (240, 60)


@override_settings(CREDITS_DAILY_GIFT_LIMIT_MINUTES=120)
def test_the_daily_gift_limit_refuses_the_gift_that_would_pass_it(pair):
    giver, recipient = pair
    _gift(giver, recipient, 90, key="a")

    with pytest.raises(DailyGiftLimit) as refused:
        _gift(giver, recipient, 31, key="b")
    _gift(giver, recipient, 90, key="a")  # a replay of the first is not a new gift
    _gift(giver, recipient, 30, key="c")

    assert refused.value.message == (
        "You can give up to 2 credits a day, and you have 0.5 credits left to give today."
    )
    assert (balance(giver), balance(recipient)) == (180, 120)
    assert gifts_left_today(member=giver) == 0


def test_someone_without_a_member_profile_cannot_give(pair):
    _, recipient = pair
    staff = StaffMembershipFactory().user

    with pytest.raises(PermissionDenied):
        use_cases.gift_give(
            actor=staff, member_code=recipient.code, minutes=60, idempotency_key="k"
        )


def test_a_member_donates_to_a_group_in_their_programme(pair):
    giver, _ = pair
    group = approved_organisation(giver.programme)
    before = balance(organisation_account(organisation=group))

    transfer = donate(
        actor=giver.user,
        organisation=group,
        minutes=120,
        message="For the garden",
        idempotency_key="d",
    )

    assert (transfer.kind, transfer.memo) == ("donate", "For the garden")
    assert balance(giver) == 180
    assert balance(organisation_account(organisation=group)) == before + 120
    assert ledger_verify().problems == []


def test_a_member_donates_to_the_programme_pool(pair):
    giver, _ = pair

    donate(actor=giver.user, organisation=None, minutes=60, idempotency_key="d")
    donate(actor=giver.user, organisation=None, minutes=60, idempotency_key="d")

    pool = programme_account(programme=giver.programme, kind=Account.Kind.POOL)
    assert (balance(giver), balance(pool)) == (240, 60)


def test_donating_to_a_group_outside_the_programme_is_refused(pair):
    giver, _ = pair
    elsewhere = approved_organisation(ProgrammeFactory())
    before = balance(organisation_account(organisation=elsewhere))

    with pytest.raises(OrganisationNotEligible):
        donate(actor=giver.user, organisation=elsewhere, minutes=60, idempotency_key="d")

    assert balance(giver) == 300
    assert balance(organisation_account(organisation=elsewhere)) == before


def test_an_org_admin_gives_credits_to_another_organisation_in_the_programme():
    programme = ProgrammeFactory()
    giver, recipient = approved_organisation(programme), approved_organisation(programme)
    admin = StaffMembershipFactory(organisation=giver, role="org_admin").user

    transfer = organisation_gift(
        actor=admin,
        giver=giver,
        recipient=recipient,
        minutes=600,
        reason="Sharing our budget for the fair",
        idempotency_key="o",
    )

    assert (transfer.kind, transfer.amount) == ("gift", 600)
    assert balance(organisation_account(organisation=giver)) == 6000 - 600
    assert balance(organisation_account(organisation=recipient)) == 6000 + 600
    assert ledger_verify().problems == []


@pytest.mark.parametrize("role", ["coordinator", "venue_staff"])
def test_only_an_org_admin_can_give_the_organisation_s_credits(role):
    programme = ProgrammeFactory()
    giver, recipient = approved_organisation(programme), approved_organisation(programme)
    staff = StaffMembershipFactory(organisation=giver, role=role).user

    with pytest.raises(PermissionDenied):
        use_cases.organisation_gift(
            actor=staff,
            organisation_id=giver.pk,
            recipient_id=recipient.pk,
            minutes=60,
            reason="x",
            idempotency_key="o",
        )

    assert balance(organisation_account(organisation=giver)) == 6000
    assert balance(organisation_account(organisation=recipient)) == 6000


def test_an_organisation_gift_needs_a_shared_programme_and_a_reason():
    programme = ProgrammeFactory()
    giver = approved_organisation(programme)
    elsewhere = approved_organisation(ProgrammeFactory())
    neighbour = approved_organisation(programme)
    unapproved = OrganisationFactory()
    admin = StaffMembershipFactory(organisation=giver, role="org_admin").user

    def give(recipient, reason="Because"):
        organisation_gift(
            actor=admin,
            giver=giver,
            recipient=recipient,
            minutes=60,
            reason=reason,
            idempotency_key="o",
        )

    with pytest.raises(OrganisationNotEligible):
        give(elsewhere)
    with pytest.raises(OrganisationNotEligible):
        give(unapproved)
    with pytest.raises(GiftToSelf):
        give(giver)
    with pytest.raises(ReasonMissing):
        give(neighbour, reason="  ")

    assert balance(organisation_account(organisation=giver)) == 6000
    assert Transfer.objects.filter(kind="gift").count() == 0


def test_the_recipient_is_told_once_even_when_the_gift_is_replayed(pair):
    giver, recipient = pair

    _gift(giver, recipient, 90, key="same", message="For the plants")
    _gift(giver, recipient, 90, key="same", message="For the plants")

    (told,) = Notification.objects.filter(member=recipient)
    assert (told.kind, told.body) == ("gift_received", "For the plants")
    assert told.title == f"Member {giver.code} gave you 1.5 credits"
    assert not Notification.objects.filter(member=giver).exists()


def test_a_leaving_member_s_balance_goes_to_the_pool_and_the_account_closes(pair):
    giver, _ = pair
    pool = programme_account(programme=giver.programme, kind="pool")

    closed = member_account_settle(member=giver)
    member_account_settle(member=giver)

    assert closed.closed_at is not None
    assert (balance(giver), balance(pool)) == (0, 300)
    assert Transfer.objects.filter(kind="donate").count() == 1
    assert ledger_verify().problems == []


def test_a_leaving_member_s_balance_goes_to_the_group_they_chose(pair):
    giver, _ = pair
    group = approved_organisation(giver.programme, kind="group")
    before = balance(organisation_account(organisation=group))

    member_account_settle(member=giver, donate_to=group)

    assert balance(organisation_account(organisation=group)) == before + 300
    assert balance(giver) == 0
