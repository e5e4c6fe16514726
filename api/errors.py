"""The one error shape, {"error": {"code", "message", "detail"}}, for every API error."""

import logging
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from timecredits import errors

from .parser import nul_refused

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "rate_limited",
}


def error_body(code: str, message: str, detail=None) -> dict:
    # A domain error's default message is a lazy translation; the body carries plain text.
    return {"error": {"code": code, "message": str(message), "detail": detail}}


def method_not_allowed(method: str, allowed: list[str]) -> JsonResponse:
    """For the 405 django-ninja answers in plain text; see api.middleware."""
    response = JsonResponse(
        error_body(
            "method_not_allowed",
            _("This endpoint does not accept %(method)s.") % {"method": method},
            {"allowed": sorted(allowed)},
        ),
        status=405,
    )
    response["Allow"] = ", ".join(sorted(allowed))
    return response


@csrf_exempt
def no_endpoint(request) -> NoReturn:
    """The API's root without its slash (`/api/v1`), which names no endpoint: a 404 (in the error
    shape, by api.middleware) for any method. Unrouted, Django would redirect it to the slash,
    or under DEBUG fail a POST with a 500, as the slash names a path it knows."""
    raise Http404()


def nul_refused_response(fields: list[str]) -> JsonResponse:
    """For a NUL in a path or header, refused before django-ninja; see api.middleware."""
    exc = nul_refused(fields)
    return JsonResponse(error_body(exc.code, exc.message, exc.detail), status=status_for(exc))


def status_for(exc: errors.DomainError) -> int:
    return errors.http_status(exc)


# pydantic's words for the mistakes a client makes most, in the reader's language (pydantic has
# no catalogue of its own); any other keeps pydantic's English. Keyed by the error's type, with
# its context (ge, max_length, ...) to fill in.
WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
A_DATE = gettext_lazy("Enter a valid date.")
A_MOMENT = gettext_lazy("Enter a date and time with its offset, such as 2026-05-01T10:00+01:00.")
A_NUMBER = gettext_lazy("Enter a number.")
FIELD_ERRORS = {
    "missing": gettext_lazy("This field is required."),
    "int_type": WHOLE_NUMBER,
    "int_parsing": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_type": A_NUMBER,
    "float_parsing": A_NUMBER,
    "decimal_type": A_NUMBER,
    "decimal_parsing": A_NUMBER,
    "string_type": gettext_lazy("Enter text."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "string_too_short": gettext_lazy("Use at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Use at most %(max_length)s characters."),
    "greater_than_equal": gettext_lazy("Enter a number of at least %(ge)s."),
    "greater_than": gettext_lazy("Enter a number greater than %(gt)s."),
    "less_than_equal": gettext_lazy("Enter a number of at most %(le)s."),
    "less_than": gettext_lazy("Enter a number less than %(lt)s."),
    "date_type": A_DATE,
    "date_parsing": A_DATE,
    "date_from_datetime_parsing": A_DATE,
    "datetime_type": A_MOMENT,
    "datetime_parsing": A_MOMENT,
    "datetime_from_date_parsing": A_MOMENT,
    "timezone_aware": A_MOMENT,
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "list_type": gettext_lazy("Send a list."),
    "model_type": gettext_lazy("Send an object."),
    "dict_type": gettext_lazy("Send an object."),
}


def _field_message(error: dict) -> str:
    """What was wrong with one field: the project's own words for a refusal a validator raised
    (without pydantic's "Value error, "), else FIELD_ERRORS', else pydantic's."""
    context = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in context:
        return str(context["error"])
    words = FIELD_ERRORS.get(error.get("type"))
    if words is None:
        return error.get("msg", "")
    try:
        return str(words) % context
    except (KeyError, TypeError, ValueError):  # a context without what the words name
        return error.get("msg", "")


def _validation_detail(errors_list) -> list[dict]:
    return [
        {
            "field": ".".join(
                str(part) for part in e.get("loc", ()) if part not in ("body", "query", "path")
            ),
            "message": _field_message(e),
            "type": e.get("type", ""),
        }
        for e in errors_list
    ]


def install(api) -> None:
    def domain_error(request, exc: errors.DomainError):
        response = api.create_response(
            request, error_body(exc.code, exc.message, exc.detail), status=status_for(exc)
        )
        retry_after = isinstance(exc.detail, dict) and exc.detail.get("retry_after")
        if isinstance(exc, errors.RateLimited) and retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    def validation_error(request, exc: ValidationError):
        return api.create_response(
            request,
            error_body(
                "invalid",
                _("Some fields are missing or not valid."),
                _validation_detail(exc.errors),
            ),
            status=422,
        )

    def authentication_error(request, exc: AuthenticationError):
        response = api.create_response(
            request,
            error_body("not_authenticated", _("Sign in or send a valid bearer token.")),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'  # what a 401 must name (RFC 9110)
        return response

    def throttled(request, exc: Throttled):
        response = api.create_response(
            request,
            error_body("rate_limited", errors.RateLimited.message, {"retry_after": exc.wait}),
            status=429,
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, errors.DomainError):  # raised by api.parser on a body
            return domain_error(request, exc.__cause__)
        if exc.status_code == 400 and exc.__cause__ is not None:
            # django-ninja raises HttpError(400) from the parser's error for a body it cannot read.
            return api.create_response(
                request,
                error_body("malformed_body", _("The request body is not valid JSON.")),
                status=422,
            )
        code = HTTP_CODES.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    def not_found(request, exc):
        return api.create_response(
            request, error_body("not_found", errors.NotFound.message), status=404
        )

    def suspicious(request, exc: SuspiciousOperation):
        # Logged as Django logs it when it turns one into a 400 page itself.
        logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
        if isinstance(exc, RequestDataTooBig):
            return api.create_response(
                request,
                error_body(
                    "too_large",
                    _("The request body is too large."),
                    {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                ),
                status=413,
            )
        return api.create_response(
            request, error_body("bad_request", _("The request could not be read.")), status=400
        )

    api.add_exception_handler(errors.DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)

    def unreadable_upload(request, exc: MultiPartParserError):
        # A photo or CSV upload cut short or malformed: a bad request, as Django logs it, not
        # a security event.
        logging.getLogger("django.request").warning("Bad request (unreadable upload): %s", exc)
        return api.create_response(
            request, error_body("bad_request", _("The request could not be read.")), status=400
        )

    api.add_exception_handler(SuspiciousOperation, suspicious)
    api.add_exception_handler(MultiPartParserError, unreadable_upload)
