"""The demo data: each group's budget allocated and each approved contribution earned, once; and
a history that every report of the demo programme can show (figures above the threshold, with
suppression where cells are small), expiries and warnings dated sensibly, all seeded once."""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.db.models import Sum
from django.utils import timezone

from ledger.models import Transfer
from ledger.selectors import account_balance, member_account, programme_expiries
from ledger.verify import ledger_verify
from timecredits.activities.models import Contribution
from timecredits.credits.models import ExpiryWarning
from timecredits.members.models import Member
from timecredits.notifications.models import Notification
from timecredits.ops.demo import DEMO_BUDGET_CREDITS, seed_demo
from timecredits.programmes.models import Programme
from timecredits.reports.outcomes.selectors.presented import programme_outcomes_report
from timecredits.reports.outputs.selectors.presented import programme_report
from timecredits.reports.outputs.selectors.trend import programme_trend
from timecredits.reports.periods import month_bounds
from timecredits.reports.valuation.selectors import programme_valuation

# The demo's history is drawn around now, and which members' follow-up answers fall in the last
# year moves with the hour: from about noon to six in the evening the distances travelled were
# all suppressed, and a CI run failed at five in the morning. One fixed moment, so the seed and
# the reports read the same whenever the suite runs.
MOMENT = datetime.datetime(2026, 12, 6, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _a_fixed_moment():
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        yield


@pytest.fixture
def demo(db):
    seed_demo()
    return Programme.objects.get(slug="riverside")


def _last_year():
    today = timezone.localdate()
    return today.replace(year=today.year - 1) + datetime.timedelta(days=1), today


def _month(months_back: int):
    first = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return month_bounds(f"{first:%Y-%m}")


def _figures(block) -> dict:
    return {f["key"]: f for f in block["figures"]}


def _row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seeding_twice_allocates_and_earns_once_changes_no_row_and_keeps_the_ledger_clean(db):
    seed_demo()
    transfers = Transfer.objects.count()
    rows = _row_counts()

    seed_demo()

    approved = Contribution.objects.filter(status=Contribution.Status.APPROVED)
    assert _row_counts() == rows
    assert Transfer.objects.count() == transfers
    assert Transfer.objects.filter(kind=Transfer.Kind.ALLOCATE).aggregate(total=Sum("amount")) == {
        "total": 3 * DEMO_BUDGET_CREDITS * 60
    }
    assert Transfer.objects.filter(kind=Transfer.Kind.EARN).count() == approved.count()
    amira = Member.objects.get(user__username="amira")
    assert (
        account_balance(account=member_account(member=amira)).posted
        == (approved.filter(member=amira).aggregate(total=Sum("minutes"))["total"])
    )
    assert ledger_verify().problems == []


def test_expiries_have_happened_and_members_are_warned_of_credits_expiring_within_weeks(demo):
    now = timezone.now()

    expiries = programme_expiries(programme=demo)
    upcoming = ExpiryWarning.objects.filter(expires_at__gt=now)

    assert len(expiries) >= demo.report_threshold
    assert upcoming.count() >= 1
    assert all(w.expires_at <= now + datetime.timedelta(days=60) for w in upcoming)
    assert all(w.warned_at <= now for w in ExpiryWarning.objects.all())
    warned = set(upcoming.values_list("member", flat=True))
    notified = Notification.objects.filter(kind=Notification.Kind.CREDITS_EXPIRING)
    assert warned <= set(notified.values_list("member", flat=True))
    assert ledger_verify().problems == []


def test_every_report_of_the_demo_programme_shows_figures_above_the_threshold(demo):
    """One seed, read by each report: the outcomes over the last year (means, distances
    travelled, indicators, and small cells suppressed), the last two months' outputs (the
    report's period and the one before it), the twelve-month trend, the first members'
    retention, and the valuation."""
    threshold = demo.report_threshold
    year_start, today = _last_year()

    outcomes = programme_outcomes_report(programme=demo, period_start=year_start, period_end=today)
    outputs = [
        programme_report(programme=demo, period_start=start, period_end=end)
        for start, end in (_month(1), _month(2))
    ]
    trend = programme_trend(programme=demo, last_month=_month(1)[1])
    first, _ = month_bounds(f"{demo.starts_on:%Y-%m}")
    first_months = programme_report(
        programme=demo, period_start=first, period_end=first + datetime.timedelta(days=61)
    )
    valuation = programme_valuation(programme=demo, period_start=year_start, period_end=today)

    waves = [w for m in outcomes["measures"] for w in m["waves"]]
    changes = [c for m in outcomes["measures"] for c in m["changes"]]
    indicators = [i for o in outcomes["outcomes"] for i in o["indicators"]]
    assert any(
        _figures(w)["mean"]["value"] is not None
        and _figures(w)["respondents"]["value"] >= threshold
        for w in waves
    )
    shown_changes = [
        c
        for c in changes
        if _figures(c)["mean_change"]["value"] is not None
        and _figures(c)["paired"]["value"] >= threshold
        and all(r["values"]["members"] is not None for r in c["table"]["rows"])
    ]
    assert any(sum(r["values"]["members"] for r in c["table"]["rows"]) > 0 for c in shown_changes)
    assert any(
        _figures(i)["paired"]["value"] >= threshold
        and _figures(i)["improved_percent"]["value"] is not None
        for i in indicators
    )
    assert any(
        s["reason"] == "small" for block in waves + changes for s in block["table"]["suppressed"]
    )
    for report in outputs:
        figures = {f["key"]: f["value"] for f in report["figures"]}
        assert figures["active_members"] >= threshold
        assert figures["hours_given"] > 0
        assert figures["sessions_held"] > 0
    assert all(month["active_members"] >= threshold for month in trend)
    (retention,) = [t for t in first_months["tables"] if t["name"] == "retention"]
    assert retention["total"]["members"] >= threshold
    assert len([r for r in retention["rows"] if r["values"]["members"] is not None]) >= 2
    assert [line["basis"] for line in valuation["lines"]] == ["hour", "outcome"]
    assert all(line["net"] is not None and line["net"] > 0 for line in valuation["lines"])


def test_the_demos_history_notifies_in_the_app_and_emails_nobody(db):
    # The first `make run` emailed about fifteen members that credits "expire" on dates past.
    from timecredits.notifications.models import Notification

    seed_demo()

    notices = Notification.objects.all()
    assert notices.filter(kind="credits_expiring").exists()
    assert not notices.exclude(email_status=Notification.EmailStatus.NOT_OWED).exists()
