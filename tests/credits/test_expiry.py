"""Expiry: a warning once per period of inactivity, then the whole balance expires; admins can
give it back. Time is controlled by passing `now=` to the services."""

import datetime

import pytest
from django.utils import formats, timezone

from ledger.models import Account, Transfer
from ledger.selectors import member_account, programme_account
from ledger.verify import ledger_verify
from tests.factories import MemberFactory, ProgrammeFactory, ProgrammeRoleFactory
from timecredits.credits.errors import NotAnExpiry
from timecredits.credits.models import ExpiryWarning
from timecredits.credits.services.expiry import (
    _expire_if_due,
    add_months,
    credits_expire_due,
    expiry_history_load,
    inactive_accounts,
)
from timecredits.credits.use_cases import expiry_reverse
from timecredits.errors import PermissionDenied
from timecredits.notifications.models import Notification

from .conftest import balance, earn

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
DAYS_30 = datetime.timedelta(days=30)


@pytest.fixture
def idle():
    """A member of a six-month expiry programme who earned 5 credits just now."""
    member = MemberFactory(programme=ProgrammeFactory(expiry_months=6))
    transfer = earn(member, 300)
    return member, timezone.localtime(transfer.posted_at)


def _expiry_account(member):
    return programme_account(programme=member.programme, kind=Account.Kind.EXPIRY)


def test_add_months_keeps_the_day_or_takes_the_month_s_last():
    moment = datetime.datetime(2026, 8, 31, 14, 30, tzinfo=datetime.UTC)

    assert add_months(moment, 6) == datetime.datetime(2027, 2, 28, 14, 30, tzinfo=datetime.UTC)
    assert add_months(moment, 1) == datetime.datetime(2026, 9, 30, 14, 30, tzinfo=datetime.UTC)
    assert add_months(moment, 16) == datetime.datetime(2027, 12, 31, 14, 30, tzinfo=datetime.UTC)


def test_nothing_happens_before_the_warning_period(idle):
    _member, last = idle

    run = credits_expire_due(now=add_months(last, 6) - DAYS_30 - MINUTE)

    assert (run.warned, run.expired) == ([], [])
    assert ExpiryWarning.objects.count() == 0


def test_a_member_is_warned_once_then_their_credits_expire_when_due(idle):
    member, last = idle
    expires_at = add_months(last, 6)

    first = credits_expire_due(now=expires_at - DAYS_30)
    second = credits_expire_due(now=expires_at - DAYS_30 + datetime.timedelta(days=1))
    # Due on the day the warning names, at that day's run whatever its hour.
    day_before = timezone.localtime(expires_at).replace(hour=23, minute=59) - DAY
    not_yet = credits_expire_due(now=day_before)
    due = credits_expire_due(now=timezone.localtime(expires_at).replace(hour=0, minute=1))
    after = credits_expire_due(now=expires_at + datetime.timedelta(days=1))

    (warning,) = first.warned
    assert (warning.member, warning.minutes, warning.expires_at) == (member, 300, expires_at)
    day = formats.date_format(timezone.localtime(expires_at))
    assert (second.warned, second.expired, not_yet.expired) == ([], [], [])
    (expiry,) = due.expired
    assert (expiry.kind, expiry.amount, expiry.memo) == ("expire", 300, "Unused for 6 months")
    assert expiry.idempotency_key == f"expire:{member.pk}:{last.date().isoformat()}"
    assert (after.warned, after.expired) == ([], [])
    assert (balance(member), balance(_expiry_account(member))) == (0, 300)
    assert ExpiryWarning.objects.count() == 1
    # Warned once, and told on the day itself that they went.
    told = Notification.objects.filter(member=member).order_by("pk")
    assert [(n.kind, n.title) for n in told] == [
        ("credits_expiring", f"Your 5 credits expire on {day}"),
        ("credits_expiring", "Your 5 credits have expired"),
    ]
    assert told[1].body == (
        "Credits not used for 6 months expire. Give your time again to earn more."
    )
    assert ledger_verify().problems == []


def test_credits_never_expire_without_a_full_warning_period_first(idle):
    _member, last = idle
    late = add_months(last, 12)  # the job was not running, or the policy arrived late

    warned = credits_expire_due(now=late)
    early = credits_expire_due(now=timezone.localtime(late + DAYS_30 - DAY).replace(hour=23))
    due = credits_expire_due(now=late + DAYS_30)

    assert (len(warned.warned), warned.expired, early.expired) == (1, [], [])
    assert warned.warned[0].expires_at == late + DAYS_30
    assert [t.amount for t in due.expired] == [300]


def test_a_programme_without_expiry_never_expires_credits():
    member = MemberFactory(programme=ProgrammeFactory(expiry_months=None))
    earn(member, 300)

    run = credits_expire_due(now=timezone.now() + datetime.timedelta(days=3650))

    assert (run.warned, run.expired, balance(member)) == ([], [], 300)


def test_only_the_available_balance_expires_so_a_hold_is_kept(idle):
    from ledger.selectors import member_account
    from ledger.services import hold_create

    member, _last = idle
    hold_create(
        debit=member_account(member=member),
        credit=_expiry_account(member),
        amount=60,
        kind="spend",
        idempotency_key="booking",
        timeout=datetime.timedelta(days=3650),
    )
    hold_at = timezone.localtime(Transfer.objects.get(idempotency_key="booking").posted_at)

    credits_expire_due(now=add_months(hold_at, 6) - DAYS_30)
    (expiry,) = credits_expire_due(now=add_months(hold_at, 6)).expired

    assert expiry.amount == 240
    assert expiry.idempotency_key == f"expire:{member.pk}:{hold_at.date().isoformat()}"


def _expired(member, last):
    credits_expire_due(now=add_months(last, 6) - DAYS_30)
    (expiry,) = credits_expire_due(now=add_months(last, 6)).expired
    return expiry


def test_a_programme_admin_reverses_an_expiry_once(idle):
    member, last = idle
    expiry = _expired(member, last)
    admin = ProgrammeRoleFactory(programme=member.programme, role="programme_admin").user

    reversal = expiry_reverse(
        actor=admin,
        programme_id=member.programme.pk,
        transfer_id=expiry.pk,
        reason="Was in hospital",
    )
    again = expiry_reverse(actor=admin, programme_id=member.programme.pk, transfer_id=expiry.pk)

    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reverse", 300, expiry.pk)
    assert reversal.memo == "Was in hospital"
    assert again.pk == reversal.pk
    assert (balance(member), balance(_expiry_account(member))) == (300, 0)
    assert ledger_verify().problems == []


@pytest.mark.parametrize("role", ["commissioner", "other_programme_admin", "member"])
def test_only_the_programme_s_admin_can_reverse_an_expiry(idle, role):
    member, last = idle
    expiry = _expired(member, last)
    if role == "member":
        actor = member.user
    elif role == "commissioner":
        actor = ProgrammeRoleFactory(programme=member.programme, role="commissioner").user
    else:
        actor = ProgrammeRoleFactory(role="programme_admin").user

    with pytest.raises(PermissionDenied):
        expiry_reverse(actor=actor, programme_id=member.programme.pk, transfer_id=expiry.pk)

    assert (balance(member), balance(_expiry_account(member))) == (0, 300)
    assert Transfer.objects.filter(kind="reverse").count() == 0


def test_reversing_something_that_is_not_this_programme_s_expiry_is_not_found(idle):
    member, last = idle
    expiry = _expired(member, last)
    earned = Transfer.objects.get(kind="earn")
    other = ProgrammeFactory()
    admin = ProgrammeRoleFactory(programme=other, role="programme_admin").user

    with pytest.raises(NotAnExpiry):
        expiry_reverse(actor=admin, programme_id=other.pk, transfer_id=expiry.pk)
    with pytest.raises(NotAnExpiry):
        expiry_reverse(actor=admin, programme_id=other.pk, transfer_id=earned.pk)

    assert Transfer.objects.filter(kind="reverse").count() == 0


def test_credits_that_arrive_after_the_scan_stop_the_expiry(idle):
    member, last = idle
    expires_at = add_months(last, 6)
    credits_expire_due(now=expires_at - DAYS_30)  # the warning
    (stale,) = inactive_accounts(programme=member.programme, now=expires_at)

    earn(member, 60)  # new activity between the scan and the posting
    expired = _expire_if_due(member.programme, stale, expires_at)

    assert expired is None
    assert balance(member) == 360
    assert not Transfer.objects.filter(kind="expire").exists()


def test_loaded_history_warns_when_it_says_and_expires_what_is_past_due(idle):
    member, _ = idle
    now = timezone.now()
    account = member_account(member=member)
    expires_at = now - datetime.timedelta(days=3)

    warning, expired = expiry_history_load(
        programme=member.programme,
        account=account,
        expires_at=expires_at,
        warned_at=expires_at - DAYS_30,
    )

    assert (warning.warned_at, warning.expires_at, warning.minutes) == (
        expires_at - DAYS_30,
        expires_at,
        300,
    )
    assert (expired.kind, expired.amount, expired.cause_id) == ("expire", 300, warning.pk)
    assert balance(member) == 0
    assert Notification.objects.filter(member=member, kind="credits_expiring").count() == 1
    assert ledger_verify().problems == []


def test_loaded_history_only_warns_of_credits_that_expire_later(idle):
    member, _ = idle
    now = timezone.now()
    expires_at = now + datetime.timedelta(days=20)

    warning, expired = expiry_history_load(
        programme=member.programme,
        account=member_account(member=member),
        expires_at=expires_at,
        warned_at=expires_at - DAYS_30,
    )

    assert (warning.expires_at, expired) == (expires_at, None)
    assert balance(member) == 300
    assert Transfer.objects.filter(kind=Transfer.Kind.EXPIRE).count() == 0


def test_a_policy_lengthened_after_the_warning_warns_again_and_expires_on_its_own_day():
    # Warned at 6 months, then the policy became 12: the credits expired at 11 months, with no
    # warning naming the new day.
    from timecredits.programmes.services import programme_update_policy

    programme = ProgrammeFactory(expiry_months=6)
    member = MemberFactory(programme=programme)
    last = timezone.localtime(earn(member, 300).posted_at)
    credits_expire_due(now=add_months(last, 6) - DAYS_30)
    programme_update_policy(programme=programme, expiry_months=12)

    at_six = credits_expire_due(now=add_months(last, 6))
    at_eleven = credits_expire_due(now=add_months(last, 12) - DAYS_30)
    at_twelve = credits_expire_due(now=add_months(last, 12))

    assert (at_six.expired, at_six.warned) == ([], [])
    assert (at_eleven.expired, len(at_eleven.warned)) == ([], 1)
    assert at_eleven.warned[0].expires_at == add_months(last, 12)
    assert [t.amount for t in at_twelve.expired] == [300]
    # Two warnings (the second with the new day), then word that they went.
    assert Notification.objects.filter(member=member, kind="credits_expiring").count() == 3


def test_a_warning_whose_day_passed_long_ago_is_sent_again_before_anything_expires():
    # Warned under a 2-month policy, switched off past that day, on again months later: all
    # the credits expired at the first run, on a warning the member had seen come to nothing.
    from timecredits.programmes.services import programme_update_policy

    programme = ProgrammeFactory(expiry_months=2)
    member = MemberFactory(programme=programme)
    last = timezone.localtime(earn(member, 300).posted_at)
    credits_expire_due(now=add_months(last, 2) - DAYS_30)
    programme_update_policy(programme=programme, expiry_months=None)
    credits_expire_due(now=add_months(last, 2))
    programme_update_policy(programme=programme, expiry_months=2)
    back = add_months(last, 8)

    run = credits_expire_due(now=back)
    later = credits_expire_due(now=back + DAYS_30)

    assert (run.expired, len(run.warned)) == ([], 1)
    assert run.warned[0].expires_at == back + DAYS_30
    assert [t.amount for t in later.expired] == [300]


def test_credits_expire_on_the_day_the_warning_names_across_the_march_clock_change():
    # The daily run keeps 03:45 local across the change, an hour earlier in real time than the
    # warning's moment 30 days before: the credits named for 31 March expired on 1 April.
    from unittest import mock

    from django_q.models import Schedule

    member = MemberFactory(programme=ProgrammeFactory(expiry_months=2))
    # Earned on 1 January 2027, whenever the test runs: warned at the first run of March.
    with mock.patch(
        "django.utils.timezone.now",
        return_value=datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC),
    ):
        earn(member, 300)
    schedule, run_at = (
        Schedule(schedule_type=Schedule.DAILY),
        datetime.datetime(2027, 3, 1, 3, 45, 10, tzinfo=datetime.UTC),
    )
    expired_on = None
    for _ in range(40):
        if credits_expire_due(now=run_at).expired:
            expired_on = timezone.localdate(run_at)
            break
        run_at = schedule.calculate_next_run(run_at)

    (warning,) = ExpiryWarning.objects.all()
    assert expired_on == timezone.localdate(warning.expires_at) == datetime.date(2027, 3, 31)
