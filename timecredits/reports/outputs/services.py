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
