"""Optional valuation: estimates of what a programme's outputs and outcomes are worth in pounds,
from the programme's own proxy values (`services` adds and removes them). Estimates, never
measured figures, and kept apart from the outputs and outcomes reports.

- A **line** is one proxy value applied over the report's filter: a period of dates, and
  optionally an organisation and an area (postcode district).
- **Quantity.** For a value per hour given: the hours given in the outputs report for the same
  filter, as a reader of that report sees them. For a value per member who improved on an
  outcome: how many members improved on it, as a reader of the outcomes report sees it (its
  outcome table's "improved" row; `outcomes` defines it).
- **Gross value** = quantity x value per unit. **Net value** (the estimate) = gross x (1 -
  deadweight) x (1 - attribution), deadweight being the share that would have happened anyway
  and attribution the share owed to others. Both are rounded to the penny.
- **Disclosure.** A line is not valued when its quantity is hidden in the report it comes from
  (a value divided by its value per unit gives the count back): hours the outputs report hides,
  or an improved count the outcomes report hides, as small or to protect another. Its quantity
  and values are withheld and it says why.
- Lines are not added up: a value per hour and a value per outcome can count one change twice.
"""

from decimal import ROUND_HALF_UP, Decimal

from ..models import ProxyValue
from ..outcomes.selectors.figures import IMPROVED
from ..outcomes.selectors.presented import programme_outcomes_report
from ..outputs.selectors.presented import programme_report

PENNY = Decimal("0.01")
TITLE = "Estimated social value (estimates from the programme's own proxy values)"
NOTE = (
    "Estimates, not measured figures: each line multiplies a quantity by the programme's own "
    "value per unit, less deadweight and attribution. Lines are not added together, because a "
    "value per hour and a value per outcome can count the same change twice."
)
HOURS_HIDDEN = "Not valued: the hours given are suppressed for this filter."
IMPROVED_HIDDEN = (
    "Not valued: the outcomes report hides how many members improved, and the value would "
    "reveal it."
)


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


def proxy_values(*, programme):
    """The programme's proxy values, in the order they were added, with their outcomes."""
    return programme.proxy_values.select_related("outcome")


def programme_valuation(*, programme, period_start, period_end, organisation=None, area="") -> dict:
    """The programme's valuation for its commissioners and admins, always with disclosure
    control: one line per proxy value, in the order they were added."""
    # The same filter for both reports the quantities come from.
    asked = {
        "programme": programme,
        "period_start": period_start,
        "period_end": period_end,
        "organisation": organisation,
        "area": area,
    }
    outputs = programme_report(**asked)
    hours = next(f["value"] for f in outputs["figures"] if f["key"] == "hours_given")
    proxies = list(proxy_values(programme=programme))
    improved = {}
    if any(p.basis == ProxyValue.Basis.OUTCOME for p in proxies):
        report = programme_outcomes_report(**asked)
        improved = {
            o["id"]: next(r for r in o["table"]["rows"] if r["key"] == IMPROVED)["values"][
                "members"
            ]
            for o in report["outcomes"]
        }
    lines = []
    for proxy in proxies:
        if proxy.basis == ProxyValue.Basis.HOUR:
            quantity, withheld = (
                (None, HOURS_HIDDEN) if hours is None else (Decimal(str(hours)), "")
            )
        else:
            count = improved.get(proxy.outcome_id, 0)
            quantity, withheld = (None, IMPROVED_HIDDEN) if count is None else (Decimal(count), "")
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
