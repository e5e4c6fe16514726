"""Optional valuation: estimates of what a programme's outputs and outcomes are worth in pounds,
from the programme's own proxy values (`reports.proxies`). Estimates, never measured figures, and
kept apart from the outputs and outcomes reports.

- A **line** is one proxy value applied over the report's filter: a period of dates, and
  optionally an organisation and an area (postcode district).
- **Quantity.** For a value per hour given: the hours given in the outputs report for the same
  filter, as a reader of that report sees them. For a value per member who improved on an
  outcome: how many members improved on it (`improved_by_outcome`).
- **Gross value** = quantity x value per unit. **Net value** (the estimate) = gross x (1 -
  deadweight) x (1 - attribution), deadweight being the share that would have happened anyway
  and attribution the share owed to others. Both are rounded to the penny.
- **Disclosure.** A line is not valued when its quantity would reveal a small count: hours the
  outputs report hides, or an improved count from 1 to threshold - 1 (a value divided by its
  value per unit gives the count back). Its quantity and values are withheld and it says why.
- Lines are not added up: a value per hour and a value per outcome can count one change twice.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from timecredits.activities.models import Contribution
from timecredits.members.models import Member
from timecredits.permissions import Action, require
from timecredits.surveys.instruments import ONS4, UCLA3
from timecredits.surveys.models import BASELINE, Indicator, Response

from .disclosure import is_small
from .models import ProxyValue
from .selectors import Filter
from .services import programme_report

PENNY = Decimal("0.01")
TITLE = "Estimated social value (estimates from the programme's own proxy values)"
NOTE = (
    "Estimates, not measured figures: each line multiplies a quantity by the programme's own "
    "value per unit, less deadweight and attribution. Lines are not added together, because a "
    "value per hour and a value per outcome can count the same change twice."
)
HOURS_HIDDEN = "Not valued: the hours given are suppressed for this filter."
IMPROVED_SMALL = (
    "Not valued: fewer members improved than the programme's threshold, and the value would "
    "reveal how many."
)


def lower_is_better(instrument_key: str, question_key: str) -> bool:
    """Anxiety (ONS4) and the UCLA-3 items score higher for worse. The direct loneliness question
    is coded 1 = often or always to 5 = never, so for it, as for every other question, higher is
    better."""
    return (instrument_key, question_key) == (ONS4, "anxiety") or instrument_key == UCLA3


def improved_by_outcome(
    programme,
    period_start: datetime.date,
    period_end: datetime.date,
    organisation=None,
    area: str = "",
) -> dict[int, dict[str, int]]:
    """Per outcome of the programme: members with a baseline and a follow-up answer in the period
    to at least one of its indicators' questions ("paired"), and of those, the members whose
    latest follow-up answer in the period moved the good way from their baseline on more than
    half of those paired questions ("improved"). Members are the programme's, in the area if one
    is given, and with an organisation, those who have had time given there approved by the end
    of the period.

    Stand-in until the outcomes report's own `reports.outcomes.improved_by_outcome` is merged.
    """
    f = Filter(programme, period_start, period_end)
    links = Indicator.questions.through.objects.filter(
        indicator__outcome__programme=programme
    ).values_list(
        "indicator__outcome_id", "question_id", "question__instrument__key", "question__key"
    )
    questions_of = defaultdict(set)
    lower = set()
    for outcome_id, question_id, instrument_key, question_key in links:
        questions_of[outcome_id].add(question_id)
        if lower_is_better(instrument_key, question_key):
            lower.add(question_id)
    members = Member.objects.filter(programme=programme)
    if area:
        members = members.filter(area=area)
    if organisation is not None:
        members = members.filter(
            pk__in=Contribution.objects.filter(
                status=Contribution.Status.APPROVED,
                session__activity__organisation=organisation,
                session__activity__programme=programme,
                session__starts_at__lt=f.until,
            ).values("member")
        )
    answers = (
        Response.objects.filter(
            member__in=members,
            question__in={q for qs in questions_of.values() for q in qs},
            number__isnull=False,
        )
        .filter(Q(wave=BASELINE) | Q(answered_at__gte=f.since, answered_at__lt=f.until))
        .order_by("wave")
        .values_list("member_id", "question_id", "wave", "number")
    )
    baseline, latest = {}, {}
    for member_id, question_id, wave, number in answers:
        (baseline if wave == BASELINE else latest)[(member_id, question_id)] = number
    counts = {}
    for outcome_id, question_ids in questions_of.items():
        # Per member: for each of the outcome's questions they paired on, did it go the good way?
        moves = defaultdict(list)
        for (member_id, question_id), after in latest.items():
            before = baseline.get((member_id, question_id))
            if question_id in question_ids and before is not None:
                moves[member_id].append(after < before if question_id in lower else after > before)
        counts[outcome_id] = {
            "paired": len(moves),
            "improved": sum(1 for m in moves.values() if 2 * sum(m) > len(m)),
        }
    return counts


def estimate(quantity: Decimal, proxy: ProxyValue) -> tuple[Decimal, Decimal]:
    """(gross, net) in pounds for `quantity` units at the proxy's value."""
    gross = quantity * proxy.value
    kept = (100 - Decimal(proxy.deadweight_percent)) * (100 - Decimal(proxy.attribution_percent))
    net = gross * kept / 10000
    return gross.quantize(PENNY, ROUND_HALF_UP), net.quantize(PENNY, ROUND_HALF_UP)


def _line(proxy: ProxyValue, quantity: Decimal | None, withheld: str) -> dict:
    gross, net = (None, None) if quantity is None else estimate(quantity, proxy)
    return {
        "proxy_id": proxy.pk,
        "name": proxy.name,
        "basis": proxy.basis,
        "unit": proxy.get_basis_display(),
        "outcome_id": proxy.outcome_id,
        "outcome_name": proxy.outcome.name if proxy.outcome_id else "",
        "quantity": quantity,
        "value_per_unit": proxy.value,
        "deadweight_percent": proxy.deadweight_percent,
        "attribution_percent": proxy.attribution_percent,
        "gross": gross,
        "net": net,
        "source": proxy.source,
        "withheld": withheld,
    }


def programme_valuation(
    *, actor, programme, period_start, period_end, organisation=None, area=""
) -> dict:
    """The programme's valuation for its commissioners and admins, always with disclosure
    control: one line per proxy value, in the order they were added."""
    require(actor, Action.PROGRAMME_REPORTS_VIEW, programme=programme)
    outputs = programme_report(
        actor=actor,
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        organisation=organisation,
        area=area,
    )
    hours = next(f["value"] for f in outputs["figures"] if f["key"] == "hours_given")
    proxies = list(programme.proxy_values.select_related("outcome"))
    improved = {}
    if any(p.basis == ProxyValue.Basis.OUTCOME for p in proxies):
        improved = improved_by_outcome(programme, period_start, period_end, organisation, area)
    lines = []
    for proxy in proxies:
        if proxy.basis == ProxyValue.Basis.HOUR:
            quantity, withheld = (
                (None, HOURS_HIDDEN) if hours is None else (Decimal(str(hours)), "")
            )
        else:
            count = improved.get(proxy.outcome_id, {}).get("improved", 0)
            small = is_small(count, programme.report_threshold)
            quantity, withheld = (None, IMPROVED_SMALL) if small else (Decimal(count), "")
        lines.append(_line(proxy, quantity, withheld))
    return {
        "title": TITLE,
        "note": NOTE,
        "programme_id": programme.pk,
        "organisation_id": organisation.pk if organisation is not None else None,
        "period_start": period_start,
        "period_end": period_end,
        "area": area or "",
        "threshold": programme.report_threshold,
        "lines": lines,
    }
