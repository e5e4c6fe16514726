"""Report figures against a brute-force count, in Python, over random contributions."""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import Transfer
from tests.factories import ActivityFactory, MemberFactory
from tests.reports.conftest import give, session
from timecredits.activities.models import Contribution
from timecredits.reports.selectors import programme_outputs

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
contributions = st.dictionaries(
    keys=st.tuples(st.integers(0, 3), st.integers(0, 2)),  # (member, session)
    values=st.tuples(
        st.integers(1, 180),
        st.sampled_from(["approved", "pending", "rejected"]),
        st.sampled_from(["kiosk", "manual"]),
    ),
    max_size=10,
)


def _brute_force(programme, area, organisation):
    rows = [
        c
        for c in Contribution.objects.select_related("session__activity", "member")
        if c.session.activity.programme_id == programme.pk
        and MARCH[0] <= timezone.localtime(c.session.starts_at).date() <= MARCH[1]
        and (not area or c.member.area == area)
        and (organisation is None or c.session.activity.organisation_id == organisation.pk)
    ]
    approved = [c for c in rows if c.status == "approved"]
    ids = {c.pk for c in rows}
    earned = 0
    for t in Transfer.objects.all():
        if t.cause_type == "contribution" and t.cause_id in ids:
            earned += {"earn": t.amount, "reverse": -t.amount}.get(t.kind, 0)
    return {
        "active_members": len({c.member_id for c in approved}),
        "hours_given": round(sum(c.minutes for c in approved) / 60, 2),
        "sessions_held": len({c.session_id for c in approved}),
        "check_ins": len([c for c in rows if c.method in ("kiosk", "poster", "pass")]),
        "credits_earned_minutes": earned,
        "active_organisations": len({c.session.activity.organisation_id for c in approved}),
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    given_contributions=contributions,
    area=st.sampled_from(["", "RV1", "RV2"]),
    by_organisation=st.booleans(),
)
def test_figures_match_a_brute_force_count(world, given_contributions, area, by_organisation):
    programme = world["programme"]
    group_a, group_b = world["groups"]
    organisation = group_b if by_organisation else None
    with transaction.atomic():
        members = [MemberFactory(programme=programme, area=["RV1", "RV2"][i % 2]) for i in range(4)]
        a = ActivityFactory(programme=programme, organisation=group_a, type="mentoring")
        b = ActivityFactory(programme=programme, organisation=group_b, type="mutual_aid")
        sessions = [session(a, 3), session(b, 28), session(a, 1, month=4)]
        for (m, s), (minutes, status, method) in given_contributions.items():
            give(members[m], sessions[s], minutes, status=status, method=method)

        figures = programme_outputs(programme, *MARCH, organisation=organisation, area=area)[
            "figures"
        ]
        expected = _brute_force(programme, area, organisation)
        transaction.set_rollback(True)

    assert {key: figures[key] for key in expected} == expected
