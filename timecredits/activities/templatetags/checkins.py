"""`{{ minutes|credit_count }}`: the number a sentence about credits takes its plural form from."""

import math

from django import template

register = template.Library()


@register.filter
def credit_count(minutes) -> int:
    """60 -> 1, 120 -> 2; a fraction (90: "1.5 credits") reads as plural, so counts 2 or more."""
    value = (minutes or 0) / 60
    return int(value) if value == int(value) else max(2, math.ceil(value))
