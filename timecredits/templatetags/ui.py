"""Small helpers for the page shell.

`{% capture as name %}...{% endcapture %}` renders what it encloses (a `{% block %}` too) into a
context variable instead of the page: base.html uses it to learn which tab a page marks current
(`{% block tab %}`) before drawing the tab bar."""

import re

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from timecredits.pwa.owner import phone_owner
from timecredits.signed_in import page_to_come_back_to

register = template.Library()
register.filter("phone_owner", phone_owner)


@register.simple_tag(takes_context=True)
def come_back_to(context) -> str:
    """The page to come back to after the header's language switch (see signed_in)."""
    return page_to_come_back_to(context["request"])


@register.filter
def day(moment, style: str = "short") -> str:
    """A session's day as people say it: "Tue 8 Dec" (`long`: "Tuesday 8 December"), with the
    year when it is not this one, so that sessions a year apart in a series look different."""
    if not moment:
        return ""
    local = timezone.localtime(moment) if hasattr(moment, "hour") else moment
    shape = "l j F" if style == "long" else "D j M"
    if getattr(local, "year", None) != timezone.localdate().year:
        shape += " Y"
    return date_format(local, shape)


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = self.nodelist.render(context).strip()
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter
def described(field):
    """The field's widget, described by its hint and its error (the ids includes/field.html
    gives them), so a screen reader reads both when the field is focused."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)} if ids else None)


@register.simple_tag
def icon(name: str) -> str:
    """`{% icon "scan" %}`: one of the inline SVG icons in ui/icons/, or nothing for a name that
    has none, so a page never fails for want of a picture."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name or ""):
        return ""
    try:
        return render_to_string(f"ui/icons/{name}.svg")
    except template.TemplateDoesNotExist:
        return ""
