"""Writes of the optional valuation: adding and removing a programme's own proxy values.

A proxy value says what one unit is worth in pounds: one hour given, or one member who improved
on one of the programme's outcomes. Each carries its source, its deadweight (the share that would
have happened anyway) and its attribution (the share owed to others), both in percent. None are
built in; only the programme's admins manage them (the use cases check), and a figure without a
source is refused.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from timecredits.db import unique_or_conflict
from timecredits.errors import NotFound, Problems
from timecredits.numbers import without_thousands
from timecredits.surveys.selectors import programme_outcomes
from timecredits.text import one_line

from ..models import ProxyValue

MAX_VALUE = Decimal("99999999.99")  # what ProxyValue.value holds: 10 digits, 2 after the point


def _amount(
    problems: Problems, raw, field: str, *, low: Decimal, high: Decimal, above_low: bool = False
) -> Decimal | None:
    """A number of pounds or percent with at most two decimal places, or None with the problem
    added to `problems`."""
    # As people write it: "£1,250.50" or "12.5%".
    text = without_thousands(str(raw).strip().removeprefix("£").removesuffix("%"))
    if text is None:
        problems.add(
            field, gettext("Use a point for pence, like 12.50: commas only between thousands.")
        )
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.add(field, gettext("Give a number."))
        return None
    if number.as_tuple().exponent < -2:
        problems.add(field, gettext("Use at most two decimal places."))
        return None
    if number < low or number > high or (above_low and number == low):
        if above_low:
            message = gettext("Use a number more than %(low)s up to %(high)s.")
        else:
            message = gettext("Use a number from %(low)s up to %(high)s.")
        problems.add(field, message % {"low": low, "high": high})
        return None
    return number


def proxy_value_create(
    *,
    actor,
    programme,
    name: str,
    basis: str,
    value,
    source: str,
    outcome_id: int | None = None,
    deadweight_percent=0,
    attribution_percent=0,
) -> ProxyValue:
    """Add a proxy value: all of it valid, or nothing written and every problem reported."""
    problems = Problems()
    name, source = one_line(name), (source or "").strip()
    if not name:
        problems.add("name", gettext("Give the value a name."))
    elif len(name) > 200:
        problems.add("name", gettext("Use at most 200 characters."))
    if not source:
        problems.add("source", gettext("Say where the figure comes from: a proxy needs one."))
    problems.check_text("name", name)
    problems.check_text("source", source)
    outcome = None
    if basis not in ProxyValue.Basis.values:
        problems.add("basis", gettext("Choose hour or outcome."))
    elif basis == ProxyValue.Basis.OUTCOME:
        outcome = programme_outcomes(programme=programme).filter(pk=outcome_id).first()
        if outcome is None:
            problems.add("outcome_id", gettext("Choose one of this programme's outcomes."))
    elif outcome_id is not None:
        problems.add("outcome_id", gettext("A value per hour given has no outcome."))
    amounts = {}
    for field, raw, high, above_low in (
        ("value", value, MAX_VALUE, True),
        ("deadweight_percent", deadweight_percent, Decimal(100), False),
        ("attribution_percent", attribution_percent, Decimal(100), False),
    ):
        amounts[field] = _amount(
            problems, raw, field, low=Decimal(0), high=high, above_low=above_low
        )
    problems.raise_if_any(gettext("Some details of the proxy value need another look."))
    with unique_or_conflict(gettext("The programme already has a proxy value with this name.")):
        return ProxyValue.objects.create(
            programme=programme,
            name=name,
            basis=basis,
            outcome=outcome,
            source=source,
            created_by=actor,
            **amounts,
        )


def proxy_value_remove(*, programme, proxy_id: int) -> None:
    deleted, _ = ProxyValue.objects.filter(pk=proxy_id, programme=programme).delete()
    if not deleted:
        raise NotFound(gettext("The programme has no such proxy value."))
