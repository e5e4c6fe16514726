"""JSON bodies and query strings, refusing text with a NUL character, which PostgreSQL cannot
store: without this a NUL in any field reaches the database and fails there as a 500."""

from django.utils.translation import gettext as _
from ninja.parser import Parser

from timecredits.errors import Invalid


def _nul_fields(data, path=()):
    if isinstance(data, str):
        if "\x00" in data:
            yield ".".join(map(str, path))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _nul_fields(key, path)
            yield from _nul_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nul_fields(value, (*path, index))


def _refuse_nul(data):
    fields = list(_nul_fields(data))
    if fields:
        message = _("Text cannot contain NUL characters.")
        raise Invalid(
            message,
            code="nul_character",
            detail=[{"field": f, "message": message, "type": "nul_character"} for f in fields],
        )
    return data


class NulRefusingParser(Parser):
    def parse_body(self, request):
        return _refuse_nul(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return _refuse_nul(super().parse_querydict(data, list_fields, request))
