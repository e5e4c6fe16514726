"""`{{ minutes|credits }}`: the ledger counts minutes; people read credits (60 minutes = 1).
`credits_words` and `hours_words` say an amount with its unit, in the right plural."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def credits(minutes) -> str:
    """90 -> "1.5", 60 -> "1", 20 -> "0.33": at most two decimals, none when whole."""
    value = round((minutes or 0) / 60, 2)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def credits_count(minutes) -> int:
    """ngettext needs a whole count: a whole amount counts itself, a fraction (1.5) reads as
    plural, as it does in English."""
    minutes = abs(minutes or 0)
    return minutes // 60 if minutes % 60 == 0 else minutes


@register.filter
def credits_words(minutes) -> str:
    """60 -> "1 credit", 120 -> "2 credits", -90 -> "1.5 credits": the size of an amount."""
    minutes = abs(minutes or 0)
    return ngettext("%(amount)s credit", "%(amount)s credits", credits_count(minutes)) % {
        "amount": credits(minutes)
    }


@register.filter
def hours_words(minutes) -> str:
    """60 -> "1 hour", 150 -> "2.5 hours": time given, in the unit people count it in."""
    minutes = abs(minutes or 0)
    return ngettext("%(amount)s hour", "%(amount)s hours", credits_count(minutes)) % {
        "amount": credits(minutes)
    }
