"""Writes of the outputs: the figures the background worker keeps for the dashboard (see
`selectors.rollups`)."""

from django.utils import timezone

from ..models import OutputsRollup
from .selectors.figures import programme_outputs
from .selectors.rollups import outputs_to_json


def rollup_refresh(*, programme, period_start, period_end) -> OutputsRollup:
    """Recompute and keep the programme's figures for the period; safe to run twice."""
    computed_at = timezone.now()
    outputs = programme_outputs(programme, period_start, period_end)
    rollup, _ = OutputsRollup.objects.update_or_create(
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        defaults={"computed_at": computed_at, "outputs": outputs_to_json(outputs)},
    )
    return rollup


def rollups_forget(*, computed_before) -> int:
    """Forget kept figures computed before then: none is served after the day it was computed,
    and yesterday's periods (a running period's comparison moves every day) are not asked for
    again. Returns how many."""
    deleted, _ = OutputsRollup.objects.filter(computed_at__lt=computed_before).delete()
    return deleted
