"""The one error shape, {"error": {"code", "message", "detail"}}, for every API error."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
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


def nul_refused_response(fields: list[str]) -> JsonResponse:
    """For a NUL in a path or header, refused before django-ninja; see api.middleware."""
    exc = nul_refused(fields)
    return JsonResponse(error_body(exc.code, exc.message, exc.detail), status=status_for(exc))


def status_for(exc: errors.DomainError) -> int:
    return errors.http_status(exc)


def _validation_detail(errors_list) -> list[dict]:
    return [
        {
            "field": ".".join(
                str(part) for part in e.get("loc", ()) if part not in ("body", "query", "path")
            ),
            "message": e.get("msg", ""),
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
        return api.create_response(
            request,
            error_body("not_authenticated", _("Sign in or send a valid bearer token.")),
            status=401,
        )

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
