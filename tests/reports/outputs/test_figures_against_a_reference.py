"""Every output figure and table, for every filter, against a plain Python reference (issue 16).

The report is computed from one member-level pass over the period's contributions and a few
set-based queries over its transfers (`reports.outputs.selectors.figures`). Here hypothesis
draws random members, contributions and ledger moves, and each report must equal the one the
module's definitions give when worked out row by row in Python (below): every headline figure
and its people, every table's rows and totals, and the same again after disclosure control.
"""

import copy
import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledger.models import Account, Transfer
from ledger.selectors import member_account, organisation_account, programme_account
from ledger.services import transfer_post, transfer_reverse
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    approved_organisation,
)
from tests.reports.conftest import give
from timecredits.activities.models import Contribution
from timecredits.members.models import Member
from timecredits.programmes.models import PopulationFigure
from timecredits.reports.disclosure import NOT_YET_KNOWN
from timecredits.reports.outputs.selectors.figures import RETENTION_MONTHS, programme_outputs
from timecredits.reports.outputs.selectors.presented import _present

TYPES = ["mentoring", "mutual_aid", "befriending"]
# Check-ins are contributions made by QR poster, door kiosk or pass (the reference's own list).
CHECK_IN_METHODS = ["poster", "kiosk", "pass"]
# The ledger stamps every transfer with the moment it is posted, so the data is laid out
# around today: sessions this many days ago (either side of the periods below, and months
# before and after them), and periods that end today or before. "Today" is the day it was four
# hours ago: time given from its midnight (four hours at most) has ended, so it can be approved.
TODAY = timezone.localdate(timezone.now() - datetime.timedelta(hours=4))
AGO = [400, 200, 120, 95, 90, 75, 62, 60, 45, 31, 30, 14, 7, 1, 0]
DAYS = [TODAY - datetime.timedelta(days=n) for n in AGO]
PERIODS = [
    (TODAY - datetime.timedelta(days=30), TODAY),
    (TODAY - datetime.timedelta(days=44), TODAY),  # 45 custom days
    (TODAY.replace(day=1), TODAY),  # this month so far
    (TODAY - datetime.timedelta(days=120), TODAY - datetime.timedelta(days=31)),
    (TODAY - datetime.timedelta(days=365), TODAY - datetime.timedelta(days=1)),  # a year
    # Over 62 weeks: the member pass keeps its weeks in two bit masks.
    (TODAY - datetime.timedelta(days=500), TODAY),
]
member_strategy = st.tuples(
    st.sampled_from(["RV1", "RV2", ""]),  # area
    st.sampled_from(["", "18_24", "65_74"]),  # age band
    st.sampled_from(["", "woman", "man"]),  # gender
    st.booleans(),  # consents to reports
    st.sampled_from([True, False, None]),  # new to volunteering
    st.integers(0, len(DAYS) - 1),  # joined the day before DAYS[i]
)
# Per member: DAYS index -> (activity index, minutes, status, method).
contribution_strategy = st.dictionaries(
    keys=st.integers(0, len(DAYS) - 1),
    values=st.tuples(
        st.integers(0, 2),
        st.integers(1, 240),
        st.sampled_from(["approved", "approved", "approved", "pending", "rejected"]),
        st.sampled_from(["kiosk", "poster", "pass", "manual"]),
    ),
    max_size=6,
)
# Ledger moves, posted now: (member, kind, minutes, reversed).
move_strategy = st.tuples(
    st.integers(0, 5),
    st.sampled_from(["spend_venue", "spend_group", "donate", "expire", "gift"]),
    st.integers(1, 60),
    st.booleans(),
)


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def _month(day: datetime.date) -> int:
    return day.year * 12 + day.month


def _until(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def _table(name, rows, total=None, suppressed=None):
    return {"name": name, "rows": rows, "total": total, "suppressed": suppressed or {}}


def _hours_table(name, members_by_key, minutes_by_key):
    rows = [
        (
            key or "unknown",
            {"members": len(members_by_key[key]), "hours": round(minutes_by_key[key] / 60, 2)},
        )
        for key in sorted(members_by_key)
    ]
    total = {
        "members": sum(v["members"] for _, v in rows),
        "hours": sum(v["hours"] for _, v in rows),
    }
    return _table(name, rows, total)


def reference(programme, start, end, organisation, activity_type, area, demographics, today):
    """The report's unsuppressed figures, people and tables, contribution by contribution and
    transfer by transfer, straight from the definitions in `figures`' docstring."""
    since, until = _until(start - datetime.timedelta(days=1)), _until(end)

    def counted(member):
        if member.programme_id != programme.pk or (area and member.area != area):
            return False
        if demographics and not member.reports_consent:
            return False
        return all(getattr(member, field) == answer for field, answer in demographics.items())

    ever = [
        c
        for c in Contribution.objects.select_related("session__activity", "member")
        if c.session.activity.programme_id == programme.pk
        and counted(c.member)
        and (organisation is None or c.session.activity.organisation_id == organisation.pk)
        and (not activity_type or c.session.activity.type == activity_type)
    ]
    rows = [c for c in ever if start <= _local_day(c.session.starts_at) <= end]
    approved = [c for c in rows if c.status == "approved"]
    active = {c.member_id for c in approved}
    narrowed = organisation is not None or bool(activity_type)
    members = {m.pk: m for m in Member.objects.filter(programme=programme) if counted(m)}

    joined = [
        m
        for m in members.values()
        if since <= m.joined_at < until and (not narrowed or m.pk in active)
    ]
    ids = {c.pk for c in rows}
    transfers = list(Transfer.objects.select_related("reverses", "debit_account", "credit_account"))
    posted = [t for t in transfers if t.phase in ("single", "post")]
    earned = sum(
        t.amount if t.kind == "earn" else -t.amount
        for t in posted
        if t.cause_type == "contribution"
        and t.cause_id in ids
        and (t.kind == "earn" or (t.kind == "reverse" and t.reverses.kind == "earn"))
    )

    def mine(account):
        return account.kind == "member" and account.member_id in members

    def of_active(account):
        return not narrowed or account.member_id in active

    in_period = [t for t in posted if since <= t.posted_at < until]
    spends = [
        t
        for t in in_period
        if t.kind == "spend"
        and mine(t.debit_account)
        and (organisation is None or t.credit_account.organisation_id == organisation.pk)
    ]
    donations = [
        t
        for t in in_period
        if t.kind == "donate" and mine(t.debit_account) and of_active(t.debit_account)
    ]
    expiries = [
        t
        for t in in_period
        if t.kind == "expire" and mine(t.debit_account) and of_active(t.debit_account)
    ]
    restored = [
        t
        for t in in_period
        if t.kind == "reverse"
        and t.reverses.kind == "expire"
        and mine(t.credit_account)
        and of_active(t.credit_account)
    ]
    balances = {
        a.pk: 0
        for a in Account.objects.filter(kind="member")
        if a.member_id in members and (not narrowed or a.member_id in active)
    }
    for t in posted:
        if t.posted_at < until:
            if t.credit_account_id in balances:
                balances[t.credit_account_id] += t.amount
            if t.debit_account_id in balances:
                balances[t.debit_account_id] -= t.amount

    def people(moves, side="debit_account"):
        return len({getattr(t, side).member_id for t in moves})

    check_ins = [c for c in rows if c.method in CHECK_IN_METHODS]
    figures = {
        "active_members": len(active),
        "new_members": len(joined),
        "new_to_volunteering": sum(1 for m in joined if m.new_to_volunteering is True),
        "hours_given": round(sum(c.minutes for c in approved) / 60, 2),
        "sessions_held": len({c.session_id for c in approved}),
        "check_ins": len(check_ins),
        "credits_earned_minutes": earned,
        "credits_spent_minutes": sum(t.amount for t in spends),
        "credits_donated_minutes": sum(t.amount for t in donations),
        "credits_expired_minutes": sum(t.amount for t in expiries)
        - sum(t.amount for t in restored),
        "credits_unspent_minutes": sum(balances.values()),
        "active_organisations": len({c.session.activity.organisation_id for c in approved}),
    }
    people_counts = {
        "active_members": len(active),
        "new_members": len(joined),
        "new_to_volunteering": figures["new_to_volunteering"],
        "hours_given": len(active),
        "sessions_held": len(active),
        "active_organisations": len(active),
        "check_ins": len({c.member_id for c in check_ins}),
        "credits_earned_minutes": len(active),
        "credits_spent_minutes": people(spends),
        "credits_donated_minutes": people(donations),
        "credits_expired_minutes": people(expiries),
        "credits_unspent_minutes": sum(1 for b in balances.values() if b > 0),
    }

    tables = {}
    new_rows = [
        ("yes", sum(1 for m in joined if m.new_to_volunteering is True)),
        ("no", sum(1 for m in joined if m.new_to_volunteering is False)),
        ("unknown", sum(1 for m in joined if m.new_to_volunteering is None)),
    ]
    tables["new_members"] = _table(
        "new_members", [(k, {"members": n}) for k, n in new_rows], {"members": len(joined)}
    )

    def breakdown(name, key_of, consenting=False):
        members_by, minutes_by = {}, {}
        for c in approved:
            if consenting and not c.member.reports_consent:
                continue
            key = key_of(c)
            members_by.setdefault(key, set()).add(c.member_id)
            minutes_by[key] = minutes_by.get(key, 0) + c.minutes
        return _hours_table(name, members_by, minutes_by)

    tables["activity_type"] = breakdown("activity_type", lambda c: c.session.activity.type)
    tables["area"] = breakdown("area", lambda c: c.member.area)
    tables["age_band"] = breakdown("age_band", lambda c: c.member.age_band, consenting=True)
    tables["gender"] = breakdown("gender", lambda c: c.member.gender, consenting=True)

    # Regularity: the period's calendar weeks and months, day by day; a period still running,
    # those it has touched so far.
    last = max(start, min(end, today))
    days = [start + datetime.timedelta(days=i) for i in range((last - start).days + 1)]
    all_weeks = {d.isocalendar()[:2] for d in days}
    all_months = {_month(d) for d in days}
    weeks, months, minutes_of = {}, {}, {}
    for c in approved:
        day = _local_day(c.session.starts_at)
        weeks.setdefault(c.member_id, set()).add(day.isocalendar()[:2])
        months.setdefault(c.member_id, set()).add(_month(day))
        minutes_of[c.member_id] = minutes_of.get(c.member_id, 0) + c.minutes
    regular = {"weekly": [0, 0], "monthly": [0, 0], "occasional": [0, 0]}
    for m in active:
        if 2 * len(weeks[m]) >= len(all_weeks):
            kind = "weekly"
        elif 2 * len(months[m]) >= len(all_months):
            kind = "monthly"
        else:
            kind = "occasional"
        regular[kind][0] += 1
        regular[kind][1] += minutes_of[m]
    out = [(k, {"members": n, "hours": round(mins / 60, 2)}) for k, (n, mins) in regular.items()]
    tables["regularity"] = _table(
        "regularity",
        out,
        {"members": sum(v["members"] for _, v in out), "hours": sum(v["hours"] for _, v in out)},
    )

    # Retention: first and last approved contribution under the filter, at any time.
    first, last = {}, {}
    for c in ever:
        if c.status == "approved":
            at = _local_day(c.session.starts_at)
            first[c.member_id] = min(first.get(c.member_id, at), at)
            last[c.member_id] = max(last.get(c.member_id, at), at)
    cohort = [m for m, day in first.items() if start <= day <= end]
    out, hidden = [], {}
    for n in RETENTION_MONTHS:
        if _month(today) > _month(end) + n:
            kept = sum(_month(last[m]) >= _month(first[m]) + n for m in cohort)
            share = round(100 * kept / len(cohort), 1) if cohort else 0.0
            out.append((str(n), {"members": kept, "percent": share}))
        else:
            out.append((str(n), {"members": None, "percent": None}))
            hidden |= {(str(n), c): NOT_YET_KNOWN for c in ("members", "percent")}
    tables["retention"] = _table(
        "retention", out, {"members": len(cohort), "percent": 100.0 if cohort else 0.0}, hidden
    )

    # Spending by venue and by offer category (these moves' redemptions have no offer).
    venues = {}
    for t in spends:
        key = t.credit_account.organisation_id
        venues.setdefault(key, [set(), 0])
        venues[key][0].add(t.debit_account.member_id)
        venues[key][1] += t.amount
    out = [
        (str(k), {"members": len(ms), "credits_minutes": mins})
        for k, (ms, mins) in sorted(venues.items())
    ]
    spent = sum(t.amount for t in spends)
    tables["spend_by_venue"] = _table(
        "spend_by_venue",
        out,
        {"members": sum(v["members"] for _, v in out), "credits_minutes": spent},
    )
    out = [("unknown", {"members": people(spends), "credits_minutes": spent})] if spends else []
    tables["spend_by_category"] = _table(
        "spend_by_category", out, {"members": people(spends), "credits_minutes": spent}
    )

    # Reach: the by-area and by-age-band members against the imported populations.
    band = demographics.get("age_band", "")
    figures_in = [
        p
        for p in PopulationFigure.objects.filter(programme=programme)
        if not area or p.area == area
    ]
    by_area = {p.area: p.population for p in figures_in if p.age_band == band}
    by_band = {}
    for p in figures_in:
        if (p.age_band == band) if band else p.age_band:
            by_band[p.age_band] = by_band.get(p.age_band, 0) + p.population
    for name, source, populations in (
        ("reach_by_area", tables["area"], by_area),
        ("reach_by_age_band", tables["age_band"], by_band),
    ):
        if populations:
            shown = {key: values["members"] for key, values in source["rows"]}
            out = [
                (
                    key,
                    {
                        "members": shown.get(key, 0),
                        "population": population,
                        "per_1000": round(1000 * shown.get(key, 0) / population, 2),
                    },
                )
                for key, population in sorted(populations.items())
            ]
            tables[name] = _table(name, out, {})
    return {"figures": figures, "people": people_counts, "tables": tables}


def _data(outputs) -> dict:
    """An outputs dict's figures, people and tables as the reference gives them."""
    return {
        "figures": outputs["figures"],
        "people": outputs["people"],
        "tables": {
            t.name: _table(t.name, [(r["key"], r["values"]) for r in t.rows], t.total, t.suppressed)
            for t in outputs["tables"]
        },
    }


def _as_outputs(outputs, expected) -> dict:
    """`outputs` with the reference's numbers in it (titles, labels and notes kept), to be
    suppressed the same way."""
    result = copy.deepcopy(outputs)
    result["figures"] = dict(expected["figures"])
    result["people"] = dict(expected["people"])
    for table in result["tables"]:
        want = expected["tables"][table.name]
        labels = {r["key"]: r["label"] for r in table.rows}
        table.rows = [
            {"key": key, "label": labels.get(key, ""), "values": dict(values)}
            for key, values in want["rows"]
        ]
        table.total = dict(want["total"])
        table.suppressed = dict(want["suppressed"])
    return result


@settings(
    max_examples=25,
    # No shrinking: the examples are small, and shrinking one takes minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(member_strategy, min_size=6, max_size=6),
    given_time=st.lists(contribution_strategy, min_size=6, max_size=6),
    moves=st.lists(move_strategy, max_size=8),
    period=st.sampled_from(PERIODS),
    by_organisation=st.sampled_from([None, 0, 1]),
    activity_type=st.sampled_from(["", "", "mentoring"]),
    area=st.sampled_from(["", "", "RV1"]),
    demographics=st.sampled_from([{}, {}, {"gender": "woman"}, {"age_band": "65_74"}]),
    today=st.sampled_from([TODAY, TODAY + datetime.timedelta(days=400)]),
    populations=st.booleans(),
    threshold=st.sampled_from([2, 3]),
)
def test_every_figure_and_table_matches_the_reference(
    db,
    people,
    given_time,
    moves,
    period,
    by_organisation,
    activity_type,
    area,
    demographics,
    today,
    populations,
    threshold,
):
    _matches_the_reference(
        people,
        given_time,
        moves,
        period,
        by_organisation,
        activity_type,
        area,
        demographics,
        today,
        populations,
        threshold,
    )


def _month_start(months_ago: int) -> datetime.date:
    index = TODAY.year * 12 + TODAY.month - 1 - months_ago
    return datetime.date(index // 12, index % 12 + 1, 1)


# Whole months, which the members' calendars answer for the whole programme on PostgreSQL
# (`reports.calendars`): last month, this month to its end, a quarter, twelve months, and
# fifteen (from before the first contribution).
WHOLE_MONTHS = [
    (_month_start(1), _month_start(0) - datetime.timedelta(days=1)),
    (_month_start(0), _month_start(-1) - datetime.timedelta(days=1)),
    (_month_start(5), _month_start(2) - datetime.timedelta(days=1)),
    (_month_start(12), _month_start(0) - datetime.timedelta(days=1)),
    (_month_start(14), _month_start(-1) - datetime.timedelta(days=1)),
]


WHOLE_PROGRAMME = settings(
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# With no filter, PostgreSQL reads whole months from the members' calendars, and any period's
# figures that are not the members' from the sessions' totals.
whole_programme = {
    "people": st.lists(member_strategy, min_size=6, max_size=6),
    "given_time": st.lists(contribution_strategy, min_size=6, max_size=6),
    "moves": st.lists(move_strategy, max_size=8),
    "today": st.sampled_from([TODAY, TODAY + datetime.timedelta(days=400)]),
    "threshold": st.sampled_from([2, 3]),
}


@settings(WHOLE_PROGRAMME, max_examples=15)
@given(period=st.sampled_from(WHOLE_MONTHS), **whole_programme)
def test_whole_months_of_the_whole_programme_match_the_reference(
    db, people, given_time, moves, period, today, threshold
):
    _matches_the_reference(
        people, given_time, moves, period, None, "", "", {}, today, False, threshold
    )


@settings(WHOLE_PROGRAMME, max_examples=10)
@given(period=st.sampled_from(PERIODS), **whole_programme)
def test_other_periods_of_the_whole_programme_match_the_reference(
    db, people, given_time, moves, period, today, threshold
):
    _matches_the_reference(
        people, given_time, moves, period, None, "", "", {}, today, False, threshold
    )


def _matches_the_reference(
    people,
    given_time,
    moves,
    period,
    by_organisation,
    activity_type,
    area,
    demographics,
    today,
    populations,
    threshold,
):
    with transaction.atomic():
        programme = ProgrammeFactory(report_threshold=threshold)
        groups = [approved_organisation(programme, name=f"Group {i}") for i in range(2)]
        venue = approved_organisation(programme, kind="venue", name="Lido")
        activities = [
            ActivityFactory(programme=programme, organisation=groups[i % 2], type=t)
            for i, t in enumerate(TYPES)
        ]
        members = []
        for area_, age, gender, consent, new, joined in people:
            member = MemberFactory(
                programme=programme,
                area=area_,
                age_band=age,
                gender=gender,
                reports_consent=consent,
                new_to_volunteering=new,
            )
            Member.objects.filter(pk=member.pk).update(
                joined_at=_moment(DAYS[joined]) - datetime.timedelta(days=1)
            )
            members.append(member)
        sessions = {}
        for member, given_ in zip(members, given_time, strict=True):
            for day, (activity, minutes, status, method) in given_.items():
                key = (day, activity)
                if key not in sessions:
                    # Some at local midnight, the edge of a day; none later than now.
                    hour = 0 if day % 3 == 0 or AGO[day] == 0 else 10
                    starts = _moment(DAYS[day], hour)
                    sessions[key] = SessionFactory(
                        activity=activities[activity],
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=4),
                    )
                give(member, sessions[key], minutes, status=status, method=method)
        # Every member holds credits to move, and one earning is undone.
        issuance = programme_account(programme=programme, kind="issuance")
        for i, member in enumerate(members):
            transfer_post(
                debit=issuance,
                credit=member_account(member=member),
                amount=500,
                kind="earn",
                idempotency_key=f"fund:{programme.pk}:{i}",
            )
        earnings = list(
            Transfer.objects.filter(
                kind="earn", cause_type="contribution", credit_account__member__in=members
            )
        )
        if earnings:
            transfer_reverse(transfer=earnings[0], idempotency_key=f"undo:{programme.pk}")
        for i, (who, kind, minutes, undo) in enumerate(moves):
            account = member_account(member=members[who])
            ledger_kind = "spend" if kind.startswith("spend") else kind
            if kind == "spend_venue":
                credit = organisation_account(organisation=venue)
            elif kind == "spend_group":
                credit = organisation_account(organisation=groups[0])
            elif kind == "donate":
                credit = organisation_account(organisation=groups[1])
            elif kind == "expire":
                credit = programme_account(programme=programme, kind="expiry")
            else:
                credit = member_account(member=members[(who + 1) % len(members)])
            moved = transfer_post(
                debit=account,
                credit=credit,
                amount=minutes,
                kind=ledger_kind,
                idempotency_key=f"move:{programme.pk}:{i}",
                cause_type="redemption" if ledger_kind == "spend" else "",
                cause_id=10_000 + i if ledger_kind == "spend" else None,
            )
            if undo and ledger_kind == "expire":
                transfer_reverse(transfer=moved, idempotency_key=f"undo:{programme.pk}:{i}")
        if populations:
            for area_, band, population in (
                ("RV1", "", 1000),
                ("RV2", "", 800),
                ("RV1", "65_74", 150),
                ("RV2", "18_24", 90),
            ):
                PopulationFigure.objects.create(
                    programme=programme, area=area_, age_band=band, population=population
                )

        organisation = None if by_organisation is None else groups[by_organisation]
        outputs = programme_outputs(
            programme,
            *period,
            organisation=organisation,
            activity_type=activity_type,
            area=area,
            demographics=demographics,
            today=today,
        )
        expected = reference(
            programme, *period, organisation, activity_type, area, demographics, today
        )
        transaction.set_rollback(True)

    got = _data(outputs)
    assert got["figures"] == expected["figures"]
    assert got["people"] == expected["people"]
    assert got["tables"].keys() == expected["tables"].keys()
    for name, table in expected["tables"].items():
        assert got["tables"][name] == table, name
    # Disclosure control hides the same cells of both, for the same reasons.
    shown = _present(copy.deepcopy(outputs), threshold=threshold)
    wanted = _present(_as_outputs(outputs, expected), threshold=threshold)
    assert (shown["figures"], shown["tables"]) == (wanted["figures"], wanted["tables"])
