"""Output figures on small hand-built data, and their reconciliation with the ledger."""

import datetime

from django.db.models import Q, Sum

from ledger.models import Transfer
from timecredits.activities.models import Contribution
from timecredits.activities.services.earning import earn_reverse
from timecredits.reports.outputs.selectors.figures import programme_outputs

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def _table(outputs, name):
    table = next(t for t in outputs["tables"] if t.name == name)
    return {r["key"]: r["values"] for r in table.rows}, table.total


def test_figures_for_march(world):
    outputs = programme_outputs(world["programme"], *MARCH)

    assert outputs["figures"] == {
        "active_members": 3,
        "new_members": 3,
        "new_to_volunteering": 2,
        "hours_given": 5.0,
        "sessions_held": 3,
        "check_ins": 4,
        "credits_earned_minutes": 300,
        "credits_spent_minutes": 0,
        "credits_donated_minutes": 0,
        "credits_expired_minutes": 0,
        # The earnings were posted when approved, today, so at the end of March nothing was held.
        "credits_unspent_minutes": 0,
        "active_organisations": 2,
    }


def test_breakdowns_for_march(world):
    outputs = programme_outputs(world["programme"], *MARCH)

    assert _table(outputs, "activity_type") == (
        {
            "befriending": {"members": 1, "hours": 0.5},
            "formal_volunteering": {"members": 3, "hours": 4.5},
        },
        {"members": 4, "hours": 5.0},
    )
    assert _table(outputs, "area") == (
        {"RV1": {"members": 2, "hours": 4.0}, "RV2": {"members": 1, "hours": 1.0}},
        {"members": 3, "hours": 5.0},
    )
    # The third member withdrew consent to reports, so the demographic tables leave them out.
    assert _table(outputs, "gender") == (
        {"man": {"members": 1, "hours": 1.5}, "woman": {"members": 1, "hours": 2.5}},
        {"members": 2, "hours": 4.0},
    )
    assert _table(outputs, "new_members") == (
        {"yes": {"members": 2}, "no": {"members": 1}, "unknown": {"members": 0}},
        {"members": 3},
    )


def test_filters_narrow_every_figure(world):
    group_a, _ = world["groups"]

    outputs = programme_outputs(world["programme"], *MARCH, organisation=group_a, area="RV1")

    figures = outputs["figures"]
    assert (figures["active_members"], figures["hours_given"]) == (2, 3.5)
    assert (figures["sessions_held"], figures["check_ins"]) == (1, 2)
    assert figures["credits_earned_minutes"] == 210


def _ledger_earned(contributions) -> int:
    totals = Transfer.objects.filter(
        cause_type="contribution", cause_id__in=contributions.values("pk")
    ).aggregate(
        earn=Sum("amount", filter=Q(kind="earn"), default=0),
        back=Sum("amount", filter=Q(kind="reverse"), default=0),
    )
    return totals["earn"] - totals["back"]


def test_credits_earned_equal_the_ledger_net_of_reversals(world):
    m3 = world["members"][2]
    earn_reverse(
        contribution=Contribution.objects.get(member=m3), actor=None, reason="Entered twice"
    )
    group_a, _ = world["groups"]

    for kwargs in [
        {},
        {"organisation": group_a},
        {"activity_type": "befriending"},
        {"area": "RV2"},
        {"demographics": {"gender": "woman"}},
        {"demographics": {"age_band": "25_34"}, "area": "RV1"},
    ]:
        outputs = programme_outputs(world["programme"], *MARCH, **kwargs)
        march = Contribution.objects.filter(
            session__starts_at__date__gte=MARCH[0], session__starts_at__date__lte=MARCH[1]
        )
        if "organisation" in kwargs:
            march = march.filter(session__activity__organisation=group_a)
        if "activity_type" in kwargs:
            march = march.filter(session__activity__type="befriending")
        if "area" in kwargs:
            march = march.filter(member__area=kwargs["area"])
        if "demographics" in kwargs:
            march = march.filter(
                member__reports_consent=True,
                **{f"member__{field}": answer for field, answer in kwargs["demographics"].items()},
            )
        assert outputs["figures"]["credits_earned_minutes"] == _ledger_earned(march), kwargs
        approved_minutes = march.filter(status="approved").aggregate(m=Sum("minutes"))["m"] or 0
        assert outputs["figures"]["hours_given"] == round(approved_minutes / 60, 2), kwargs
