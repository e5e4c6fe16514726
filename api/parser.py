"""JSON bodies and query strings as the API takes them. A body must be a JSON object of plain
JSON: no NaN or Infinity, and no integer beyond what a database column holds (64 bits). No text
may hold a NUL character, which PostgreSQL cannot store. Without these, such a value reaches the
database and fails there as a 500. api.middleware refuses NUL in paths and headers.
"""

import json

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


INTEGER_RANGE = range(-(2**63), 2**63)


def _out_of_range_fields(data, path=()):
    if isinstance(data, int) and not isinstance(data, bool):
        if data not in INTEGER_RANGE:
            yield ".".join(map(str, path))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _out_of_range_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _out_of_range_fields(value, (*path, index))


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def nul_refused(fields) -> Invalid:
    message = _("Text cannot contain NUL characters.")
    return Invalid(
        message,
        code="nul_character",
        detail=[{"field": f, "message": message, "type": "nul_character"} for f in fields],
    )


def _refuse_nul(data):
    fields = list(_nul_fields(data))
    if fields:
        raise nul_refused(fields)
    return data


class StrictParser(Parser):
    def parse_body(self, request):
        # NaN and Infinity are not JSON, though Python's json reads them: refused as malformed.
        data = _refuse_nul(json.loads(request.body, parse_constant=_refuse_constant))
        if not isinstance(data, dict):
            # Every body the API takes is an object; a bare number or list would otherwise be
            # read as an object with no fields, which a partial update accepts as "no change".
            raise Invalid(_("The request body must be a JSON object."), code="body_not_object")
        fields = list(_out_of_range_fields(data))
        if fields:
            message = _("This number is too large.")
            raise Invalid(
                message,
                code="number_out_of_range",
                detail=[
                    {"field": f, "message": message, "type": "number_out_of_range"} for f in fields
                ],
            )
        return data

    def parse_querydict(self, data, list_fields, request):
        return _refuse_nul(super().parse_querydict(data, list_fields, request))
