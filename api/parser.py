"""JSON bodies and query strings as the API takes them. A body must be a JSON object of plain
JSON: no NaN or Infinity, and no integer beyond what a database column holds (64 bits), nor a
query value that is one. No text may hold a NUL character, which PostgreSQL cannot store, nor
another control character (`timecredits.text.CONTROL`), which a spreadsheet, a calendar or an
email cannot carry. Without these, such a value reaches the database or a download and fails
there as a 500. api.middleware
refuses NUL in paths and headers.
"""

import json
import re

from django.utils.translation import gettext as _
from ninja.parser import Parser

from timecredits.errors import Invalid
from timecredits.text import CONTROL

INTEGER_RANGE = range(-(2**63), 2**63)


def _fields_where(wrong, data, path=()):
    """The dotted paths of the values in a parsed body or query for which `wrong` is true; keys
    are values too (a NUL can hide in one)."""
    if wrong(data):
        yield ".".join(map(str, path))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _fields_where(wrong, key, path)
            yield from _fields_where(wrong, value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _fields_where(wrong, value, (*path, index))


def _holds_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def _holds_control(value) -> bool:
    return isinstance(value, str) and CONTROL.search(value) is not None


def _out_of_range(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value not in INTEGER_RANGE


def _out_of_range_text(value) -> bool:
    """A query value written as a whole number a database column cannot hold, in any way a
    query's integer accepts it ("9223372036854775808", "+9_223_372_036_854_775_808.0"): it
    reaches the query as that number (SQLite cannot even bind it)."""
    if not isinstance(value, str):
        return False
    number = re.fullmatch(r"\s*([+-]?)([\d_]+)(?:\.0*)?\s*", value)
    if number is None:
        return False
    sign, digits = number[1], number[2].replace("_", "").lstrip("0")
    return len(digits) > 19 or int(sign + (digits or "0")) not in INTEGER_RANGE


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _refused(fields, code: str, message: str) -> Invalid:
    """A refusal naming each field (a dotted path) that holds what `code` names."""
    return Invalid(
        message,
        code=code,
        detail=[{"field": f, "message": message, "type": code} for f in fields],
    )


def nul_refused(fields) -> Invalid:
    return _refused(fields, "nul_character", _("Text cannot contain NUL characters."))


def _refuse_where(data, wrong, code: str, message: str):
    """`data`, unless some value in it is `wrong`: then the refusal naming where."""
    fields = list(_fields_where(wrong, data))
    if fields:
        raise _refused(fields, code, message)
    return data


def _refuse_controls(data):
    """NUL first, by its own code, which clients have read since before other controls were."""
    fields = list(_fields_where(_holds_nul, data))
    if fields:
        raise nul_refused(fields)
    message = _("Text cannot contain control characters.")
    return _refuse_where(data, _holds_control, "control_character", message)


def _refuse_out_of_range(data, wrong):
    return _refuse_where(data, wrong, "number_out_of_range", _("This number is too large."))


class StrictParser(Parser):
    def parse_body(self, request):
        # NaN and Infinity are not JSON, though Python's json reads them: refused as malformed.
        data = _refuse_controls(json.loads(request.body, parse_constant=_refuse_constant))
        if not isinstance(data, dict):
            # Every body the API takes is an object; a bare number or list would otherwise be
            # read as an object with no fields, which a partial update accepts as "no change".
            raise Invalid(_("The request body must be a JSON object."), code="body_not_object")
        return _refuse_out_of_range(data, _out_of_range)

    def parse_querydict(self, data, list_fields, request):
        parsed = _refuse_controls(super().parse_querydict(data, list_fields, request))
        return _refuse_out_of_range(parsed, _out_of_range_text)
