"""Report figures against a brute-force count, in Python, over random contributions."""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import Account, Transfer
from tests.credits.conftest import earn
from tests.factories import ActivityFactory, MemberFactory
from tests.reports.conftest import give, session
from timecredits.activities.models import Contribution
from timecredits.reports.outputs.selectors.figures import RETENTION_MONTHS, programme_outputs
from timecredits.reports.periods import month_bounds

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
# For each of the four members, session -> (minutes, status, method). Sessions: see _sessions.
contributions = st.lists(
    st.dictionaries(
        keys=st.integers(0, 7),
        values=st.tuples(
            st.integers(1, 180),
            st.sampled_from(["approved", "approved", "pending", "rejected"]),
            st.sampled_from(["kiosk", "manual"]),
        ),
        max_size=8,
    ),
    min_size=4,
    max_size=4,
)
# Members: (area, gender, consents to reports).
MEMBERS = [("RV1", "woman", True), ("RV2", "woman", False), ("RV1", "man", True), ("RV2", "", True)]


def _sessions(a, b):
    """Either side of March, across its weeks, and months later for retention."""
    return [
        session(a, 3),
        session(b, 28),
        session(a, 1, month=4),
        session(b, 10),
        session(a, 17, month=2),
        session(b, 15, month=6),
        session(a, 20, month=9),
        session(b, 31, month=5),  # a month short of 3 months after March
    ]


def _month(day: datetime.date) -> int:
    return day.year * 12 + day.month


def _local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def _brute_force(programme, area, organisation, gender, today):
    def counted(member):
        return (
            member.programme_id == programme.pk
            and (not area or member.area == area)
            and (not gender or (member.gender == gender and member.reports_consent))
        )

    ever = [
        c
        for c in Contribution.objects.select_related("session__activity", "member")
        if c.session.activity.programme_id == programme.pk
        and counted(c.member)
        and (organisation is None or c.session.activity.organisation_id == organisation.pk)
    ]
    rows = [c for c in ever if MARCH[0] <= _local_day(c.session.starts_at) <= MARCH[1]]
    approved = [c for c in rows if c.status == "approved"]
    ids = {c.pk for c in rows}
    earned = 0
    for t in Transfer.objects.all():
        if t.cause_type == "contribution" and t.cause_id in ids:
            earned += {"earn": t.amount, "reverse": -t.amount}.get(t.kind, 0)

    # Regularity: count March's calendar weeks day by day.
    days = [MARCH[0] + datetime.timedelta(days=i) for i in range(31)]
    all_weeks = {d.isocalendar()[:2] for d in days}
    weeks, months = {}, {}
    for c in approved:
        day = _local_day(c.session.starts_at)
        weeks.setdefault(c.member_id, set()).add(day.isocalendar()[:2])
        months.setdefault(c.member_id, set()).add(_month(day))
    regularity = {"weekly": 0, "monthly": 0, "occasional": 0}
    for member, active_weeks in weeks.items():
        if 2 * len(active_weeks) >= len(all_weeks):
            regularity["weekly"] += 1
        elif 2 * len(months[member]) >= 1:
            regularity["monthly"] += 1
        else:
            regularity["occasional"] += 1

    # Retention: first and last approved contribution under the filter, at any time.
    first, last = {}, {}
    for c in ever:
        if c.status == "approved":
            first[c.member_id] = min(
                first.get(c.member_id, c.session.starts_at), c.session.starts_at
            )
            last[c.member_id] = max(last.get(c.member_id, c.session.starts_at), c.session.starts_at)
    cohort = [m for m, at in first.items() if MARCH[0] <= _local_day(at) <= MARCH[1]]
    retention = {
        str(n): (
            sum(_month(_local_day(last[m])) >= _month(_local_day(first[m])) + n for m in cohort)
            if _month(today) > _month(MARCH[1]) + n
            else None
        )
        for n in RETENTION_MONTHS
    }
    return {
        "figures": {
            "active_members": len({c.member_id for c in approved}),
            "hours_given": round(sum(c.minutes for c in approved) / 60, 2),
            "sessions_held": len({c.session_id for c in approved}),
            "check_ins": len([c for c in rows if c.method in ("kiosk", "poster", "pass")]),
            "credits_earned_minutes": earned,
            "active_organisations": len({c.session.activity.organisation_id for c in approved}),
        },
        "regularity": regularity,
        "retention": retention,
        "cohort": len(cohort),
        "counted": counted,
    }


def _until(last_day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time())
    )


def _active(programme, organisation, counted, period) -> set:
    return {
        c.member_id
        for c in Contribution.objects.filter(status="approved").select_related(
            "session__activity", "member"
        )
        if c.session.activity.programme_id == programme.pk
        and counted(c.member)
        and (organisation is None or c.session.activity.organisation_id == organisation.pk)
        and period[0] <= _local_day(c.session.starts_at) <= period[1]
    }


def _unspent_by_brute_force(programme, counted, until, members=None):
    """Each member account's posted balance before `until`, transfer by transfer."""
    balances = {}
    for account in Account.objects.filter(kind="member").select_related("member"):
        if not counted(account.member) or (
            members is not None and account.member_id not in members
        ):
            continue
        balances[account.pk] = 0
    for t in Transfer.objects.filter(phase__in=["single", "post"]):
        if t.posted_at < until:
            if t.credit_account_id in balances:
                balances[t.credit_account_id] += t.amount
            if t.debit_account_id in balances:
                balances[t.debit_account_id] -= t.amount
    return sum(balances.values()), sum(1 for b in balances.values() if b > 0)


def _rows(outputs, name):
    table = next(t for t in outputs["tables"] if t.name == name)
    return {r["key"]: r["values"]["members"] for r in table.rows}, table.total["members"]


@settings(
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    given_contributions=contributions,
    area=st.sampled_from(["", "RV1", "RV2"]),
    by_organisation=st.booleans(),
    gender=st.sampled_from(["", "woman"]),
    today=st.sampled_from([datetime.date(2026, 7, 1), datetime.date(2027, 4, 1)]),
    earnings=st.lists(st.integers(1, 300), min_size=4, max_size=4),
)
def test_figures_match_a_brute_force_count(
    world, given_contributions, area, by_organisation, gender, today, earnings
):
    programme = world["programme"]
    group_a, group_b = world["groups"]
    organisation = group_b if by_organisation else None
    demographics = {"gender": gender}
    with transaction.atomic():
        members = [
            MemberFactory(programme=programme, area=a, gender=g, reports_consent=consent)
            for a, g, consent in MEMBERS
        ]
        a = ActivityFactory(programme=programme, organisation=group_a, type="mentoring")
        b = ActivityFactory(programme=programme, organisation=group_b, type="mutual_aid")
        sessions = _sessions(a, b)
        for member, given in zip(members, given_contributions, strict=True):
            for s, (minutes, status, method) in given.items():
                give(member, sessions[s], minutes, status=status, method=method)
        for member, minutes in zip(members, earnings, strict=True):
            earn(member, minutes)

        outputs = programme_outputs(
            programme,
            *MARCH,
            organisation=organisation,
            area=area,
            demographics=demographics,
            today=today,
        )
        this_month = month_bounds(timezone.localdate().strftime("%Y-%m"))
        now = programme_outputs(
            programme,
            *this_month,
            organisation=organisation,
            area=area,
            demographics=demographics,
        )
        expected = _brute_force(programme, area, organisation, gender, today)
        counted = expected["counted"]
        unspent = [
            _unspent_by_brute_force(
                programme,
                counted,
                _until(period[1]),
                _active(programme, organisation, counted, period) if organisation else None,
            )
            for period in (MARCH, this_month)
        ]
        transaction.set_rollback(True)

    assert {key: outputs["figures"][key] for key in expected["figures"]} == expected["figures"]
    assert _rows(outputs, "regularity") == (
        expected["regularity"],
        expected["figures"]["active_members"],
    )
    assert _rows(outputs, "retention") == (expected["retention"], expected["cohort"])
    assert (
        outputs["figures"]["credits_unspent_minutes"],
        outputs["people"]["credits_unspent_minutes"],
    ) == unspent[0]
    assert (
        now["figures"]["credits_unspent_minutes"],
        now["people"]["credits_unspent_minutes"],
    ) == unspent[1]
