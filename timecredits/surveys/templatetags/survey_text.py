"""`{{ text|shown:instrument.built_in }}`: a built-in instrument's words in the reader's language
(`surveys.instruments.shown`); a programme's own words as they are."""

from django import template

from ..instruments import shown as _shown

register = template.Library()


@register.filter
def shown(text: str, built_in: bool) -> str:
    return _shown(text, bool(built_in))
