"""`{% icon "scan" %}`: one of the design system's inline SVG icons (ui/icons/<name>.svg), or
nothing while that icon does not exist, so a page never fails for want of a picture."""

import re

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def icon(name: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name or ""):
        return ""
    try:
        return render_to_string(f"ui/icons/{name}.svg")
    except template.TemplateDoesNotExist:
        return ""
