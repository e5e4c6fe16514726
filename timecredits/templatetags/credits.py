"""`{{ minutes|credits }}`: the ledger counts minutes; people read credits (60 minutes = 1)."""

from django import template

register = template.Library()


@register.filter
def credits(minutes) -> str:
    """90 -> "1.5", 60 -> "1", 20 -> "0.33": at most two decimals, none when whole."""
    value = round((minutes or 0) / 60, 2)
    return f"{value:.2f}".rstrip("0").rstrip(".")
