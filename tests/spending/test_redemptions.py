import datetime
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from ledger.errors import IdempotencyConflict
from ledger.models import Transfer
from ledger.selectors import (
    Balance,
    account_balance,
    member_account,
    organisation_account,
)
from ledger.services import account_close
from ledger.verify import ledger_verify
from partners.models import Organisation, StaffMembership
from tests.factories import MemberFactory, ProgrammeFactory, approved_organisation
from tests.spending.balances import snapshot
from tests.spending.conftest import (
    funded_member,
    make_offer,
    offer_at_closed_venue,
    venue_staff,
)
from timecredits.errors import DomainError, PermissionDenied
from timecredits.members.passes import pass_token
from timecredits.notifications.models import Notification
from timecredits.spending import errors, use_cases
from timecredits.spending.services.redemptions import (
    redemption_cancel,
    redemption_charge_pass,
    redemption_complete,
    redemption_create,
    redemptions_expire,
)
from timecredits.spending.tasks import expire_overdue_redemptions
from timecredits.spending.tokens import read_redemption_token, redemption_url


def available(member):
    return account_balance(account=member_account(member=member)).available


def venue_balance(venue):
    return account_balance(account=organisation_account(organisation=venue)).posted


def test_redeeming_holds_the_credits_and_gives_a_short_code(member, offer):
    redemption, created = redemption_create(member=member, offer=offer, idempotency_key="k1")

    assert created
    assert redemption.status == "held"
    assert len(redemption.code) == 6
    assert redemption.hold.phase == "pending" and redemption.hold.amount == 60
    assert (redemption.hold.cause_type, redemption.hold.cause_id) == ("redemption", redemption.pk)
    assert account_balance(account=member_account(member=member)) == Balance(300, 60, 240)
    assert redemption.expires_at == redemption.hold.expires_at
    url = redemption_url(redemption_id=redemption.pk, code=redemption.code)
    assert read_redemption_token(url.rsplit("/", 1)[1]) == redemption.code


def test_an_offer_is_open_on_its_first_and_last_day(member, venue):
    today = timezone.localdate()
    offer = make_offer(venue, valid_from=today, valid_until=today)

    redemption, created = redemption_create(member=member, offer=offer, idempotency_key="k1")

    assert created and redemption.status == "held"


def test_replaying_the_key_returns_the_same_redemption_and_holds_once(member, offer):
    first, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    again, created = redemption_create(member=member, offer=offer, idempotency_key="k1")

    assert (again.pk, created) == (first.pk, False)
    assert available(member) == 240
    assert Transfer.objects.filter(cause_type="redemption").count() == 1


def test_the_same_key_for_another_offer_is_a_conflict(member, offer, venue):
    redemption_create(member=member, offer=offer, idempotency_key="k1")
    other = make_offer(venue, title="Sauna")
    before = snapshot()

    with pytest.raises(IdempotencyConflict):
        redemption_create(member=member, offer=other, idempotency_key="k1")

    assert snapshot() == before


def test_the_venue_completes_a_code_and_the_hold_posts_as_a_spend(member, offer, venue, staff):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    venue_before = venue_balance(venue)

    completed = redemption_complete(
        actor=staff, venue=venue, code=redemption.code.lower(), idempotency_key="c1"
    )

    assert completed.status == "completed" and completed.completed_by == staff
    assert account_balance(account=member_account(member=member)) == Balance(240, 0, 240)
    assert venue_balance(venue) == venue_before + 60
    posted = Transfer.objects.get(pending=redemption.hold)
    assert (posted.phase, posted.kind, posted.amount) == ("post", "spend", 60)
    assert ledger_verify().problems == []


def test_completing_twice_completes_once(member, offer, venue, staff):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c1")
    before = snapshot()

    again = redemption_complete(
        actor=staff, venue=venue, code=redemption.code, idempotency_key="c1"
    )

    assert (again.pk, again.status) == (redemption.pk, "completed")
    assert snapshot() == before
    (told,) = Notification.objects.filter(member=member)  # told once, not twice
    assert told.kind == "redemption_confirmed"
    assert offer.cost_minutes == 60
    assert told.title == f"{offer.title} at {venue.name}: 1 credit spent"  # one: not "1 credits"


def test_a_code_used_at_one_till_is_refused_at_another_saying_when(member, offer, venue, staff):
    # Two staff opened the code; one completed it. The other must not hand the swim over too.
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    done = redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c1")
    before = snapshot()

    with pytest.raises(errors.RedemptionCompleted) as refused:
        redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c2")

    used = timezone.localtime(done.completed_at).strftime("%H:%M")
    assert refused.value.message == f"This code was already used at {used}. Nothing more was taken."
    assert snapshot() == before
    assert Notification.objects.filter(member=member).count() == 1


def test_a_code_from_another_venue_is_refused_with_its_name(member, offer, programme):
    other = approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Eastgate Cinema")
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    before = snapshot()

    with pytest.raises(errors.WrongVenue) as refused:
        redemption_complete(
            actor=venue_staff(other), venue=other, code=redemption.code, idempotency_key="c"
        )

    assert refused.value.code == "wrong_venue"
    assert (
        "for Organisation" in refused.value.message
        and "cannot be used here" in refused.value.message
    )
    assert snapshot() == before


def test_an_unknown_code_is_not_found(venue, staff):
    with pytest.raises(errors.RedemptionNotFound):
        redemption_complete(actor=staff, venue=venue, code="ZZZZZZ", idempotency_key="c")


def test_only_staff_of_the_venue_may_complete(member, offer, venue):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    coordinator = venue_staff(venue, StaffMembership.Role.COORDINATOR)
    before = snapshot()

    for actor in (coordinator, member.user):
        with pytest.raises(PermissionDenied):
            use_cases.redemption_complete(
                actor=actor, organisation_id=venue.pk, code=redemption.code, idempotency_key="c"
            )

    assert snapshot() == before


def test_a_cancelled_code_releases_its_hold_and_cannot_be_completed(member, offer, venue, staff):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")

    cancelled = redemption_cancel(member=member, code=redemption.code)
    assert redemption_cancel(member=member, code=redemption.code).pk == cancelled.pk
    before = snapshot()
    with pytest.raises(errors.RedemptionCancelled):
        redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c")

    assert cancelled.status == "cancelled"
    assert account_balance(account=member_account(member=member)) == Balance(300, 0, 300)
    assert Transfer.objects.get(pending=redemption.hold).phase == "void"
    assert snapshot() == before


def test_a_member_cannot_cancel_someone_elses_code(member, offer, programme):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    before = snapshot()

    with pytest.raises(errors.RedemptionNotFound):
        redemption_cancel(member=funded_member(programme), code=redemption.code)

    assert snapshot()["redemptions"] == before["redemptions"]


@override_settings(REDEMPTION_HOLD_MINUTES=0.005)  # 0.3 seconds
def test_the_job_expires_an_overdue_code_releases_it_and_it_cannot_be_completed(
    member, offer, venue, staff
):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    time.sleep(0.4)

    assert expire_overdue_redemptions() == 1
    assert redemptions_expire() == 0  # running again finds nothing
    before = snapshot()
    with pytest.raises(errors.RedemptionExpired):
        redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c")

    redemption.refresh_from_db()
    assert redemption.status == "expired"
    assert Transfer.objects.get(pending=redemption.hold).phase == "timeout"
    assert account_balance(account=member_account(member=member)) == Balance(300, 0, 300)
    assert snapshot() == before
    assert Notification.objects.get(member=member).title.endswith("your credits are free again")
    assert ledger_verify().problems == []


@override_settings(REDEMPTION_HOLD_MINUTES=0.005)
def test_completing_an_overdue_code_refuses_it_and_marks_it_expired_at_once(
    member, offer, venue, staff
):
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    time.sleep(0.4)

    with pytest.raises(errors.RedemptionExpired):
        redemption_complete(actor=staff, venue=venue, code=redemption.code, idempotency_key="c")

    redemption.refresh_from_db()
    assert redemption.status == "expired"
    assert Transfer.objects.get(pending=redemption.hold).phase == "timeout"
    assert available(member) == 300
    assert expire_overdue_redemptions() == 0


@override_settings(REDEMPTION_HOLD_MINUTES=0.005)
def test_an_expired_code_no_longer_takes_a_place(member, venue, programme):
    offer = make_offer(venue, capacity=1, capacity_period="day")
    redemption_create(member=member, offer=offer, idempotency_key="k1")
    time.sleep(0.4)

    redemption, created = redemption_create(
        member=funded_member(programme), offer=offer, idempotency_key="k2"
    )

    assert created and redemption.status == "held"


# Each case's offer values are worked out when the test runs, not when it is collected, so a run
# that crosses midnight still asks for yesterday, tomorrow and an opening time that is not now.
REFUSAL_CASES = [
    ("insufficient_credit", lambda today, now: {"cost_minutes": 600}, None),
    ("offer_unavailable", lambda today, now: {"active": False}, None),
    (
        "outside_valid_dates",
        lambda today, now: {"valid_until": today - datetime.timedelta(days=1)},
        None,
    ),
    (
        "outside_valid_dates",
        lambda today, now: {"valid_from": today + datetime.timedelta(days=1)},
        None,
    ),
    (
        "not_available_today",
        lambda today, now: {"days_of_week": 127 & ~(1 << today.weekday())},
        None,
    ),
    (
        "outside_opening_times",
        lambda today, now: {
            "opens_at": datetime.time(0, 0) if now.hour >= 1 else datetime.time(2, 0),
            "closes_at": datetime.time(0, 30) if now.hour >= 1 else datetime.time(3, 0),
        },
        None,
    ),
    (
        "offer_full",
        lambda today, now: {"capacity": 1, "capacity_period": "week"},
        "someone_else_first",
    ),
    (
        "member_limit_reached",
        lambda today, now: {"member_limit": 1, "member_limit_period": "month"},
        "self_first",
    ),
    ("not_eligible", lambda today, now: {}, "other_programme"),
    ("account_closed", lambda today, now: {}, "closed_member"),
    ("account_closed", lambda today, now: {}, "closed_venue"),
]


@pytest.mark.parametrize(
    ("code", "values", "setup"), REFUSAL_CASES, ids=[case[0] for case in REFUSAL_CASES]
)
def test_every_refusal_has_a_stable_code_a_message_and_changes_nothing(
    programme, venue, code, values, setup
):
    offer = make_offer(venue, **values(timezone.localdate(), timezone.localtime()))
    member = funded_member(programme)
    if setup == "someone_else_first":
        redemption_create(member=funded_member(programme), offer=offer, idempotency_key="x")
    elif setup == "self_first":
        first, _ = redemption_create(member=member, offer=offer, idempotency_key="x")
        redemption_complete(
            actor=venue_staff(venue), venue=venue, code=first.code, idempotency_key="c"
        )
    elif setup == "other_programme":
        member = funded_member(ProgrammeFactory())
    elif setup == "closed_member":
        member = MemberFactory(programme=programme)
        account_close(account=member_account(member=member))
    elif setup == "closed_venue":
        offer = offer_at_closed_venue(programme)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        redemption_create(member=member, offer=offer, idempotency_key="k")

    assert getattr(refused.value, "code", None) == code
    assert refused.value.message and "_" not in refused.value.message
    assert snapshot() == before


def test_venue_staff_charge_a_members_pass_at_once(member, offer, venue, staff):
    token = pass_token(member_id=member.pk, pass_version=member.pass_version)
    venue_before = venue_balance(venue)

    redemption, created = redemption_charge_pass(
        actor=staff, venue=venue, offer=offer, pass_token=token, idempotency_key="till-1"
    )
    again, replayed = redemption_charge_pass(
        actor=staff, venue=venue, offer=offer, pass_token=token, idempotency_key="till-1"
    )

    assert created and not replayed and again.pk == redemption.pk
    assert (redemption.status, redemption.method, redemption.completed_by) == (
        "completed",
        "pass",
        staff,
    )
    assert account_balance(account=member_account(member=member)) == Balance(240, 0, 240)
    assert venue_balance(venue) == venue_before + 60
    assert ledger_verify().problems == []


def test_a_pass_charge_keeps_the_limits_and_refuses_another_venues_offer(
    member, venue, staff, programme
):
    offer = make_offer(venue, member_limit=1, member_limit_period="day")
    other_offer = make_offer(approved_organisation(programme, kind=Organisation.Kind.VENUE))
    token = pass_token(member_id=member.pk, pass_version=member.pass_version)
    redemption_charge_pass(
        actor=staff, venue=venue, offer=offer, pass_token=token, idempotency_key="a"
    )
    before = snapshot()

    with pytest.raises(errors.MemberLimitReached):
        redemption_charge_pass(
            actor=staff, venue=venue, offer=offer, pass_token=token, idempotency_key="b"
        )
    with pytest.raises(errors.WrongVenue):
        redemption_charge_pass(
            actor=staff, venue=venue, offer=other_offer, pass_token=token, idempotency_key="c"
        )

    assert snapshot() == before


def test_a_forged_or_replaced_pass_is_refused(member, offer, venue, staff):
    old = pass_token(member_id=member.pk, pass_version=member.pass_version - 1)
    before = snapshot()

    for token in ("not-a-pass", old):
        with pytest.raises(DomainError) as refused:
            redemption_charge_pass(
                actor=staff, venue=venue, offer=offer, pass_token=token, idempotency_key=token
            )
        assert refused.value.code in ("token_invalid", "pass_revoked")

    assert snapshot() == before
