"""API requests before and after django-ninja: NUL characters refused in paths and headers, and
any error answered outside django-ninja (its plain-text 405, Django's HTML 404, 403 and 500)
given the error shape."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from .errors import error_body, method_not_allowed, nul_refused_response

# What an error answered outside django-ninja says, by its status; any other says its status.
OUTSIDE_ERRORS = {
    400: ("bad_request", _("The request could not be read.")),
    403: ("forbidden", _("This request was refused.")),
    404: ("not_found", _("There is no such API endpoint.")),
    500: ("server_error", _("Something went wrong on our side. Nothing was changed; try again.")),
}


class ErrorShapeMiddleware:
    """Every error under /api/ in the one error shape, whoever answered it: django-ninja's 405
    is plain text, and Django answers a path no endpoint matches, the docs' own views and a
    failure before any view (the database down) with HTML pages. Outermost but one, so an error
    in any later middleware reaches it as a response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 405:
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return method_not_allowed(request.method, allowed)
        code, message = OUTSIDE_ERRORS.get(
            response.status_code, ("error", _("The request could not be answered."))
        )
        shaped = JsonResponse(error_body(code, message), status=response.status_code)
        for header in ("Retry-After", "Allow"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped


class NulRefusingMiddleware:
    """A NUL in an API path (`/redemptions/AB%00CD/cancel`), a header or a cookie would reach
    PostgreSQL, which cannot store it, and fail there as a 500; api.parser refuses it in bodies
    and queries. It runs before the session is read: a quoted cookie may carry `\\000`, which
    Django decodes to a NUL, and the session's key is looked up in the database. A page, which
    has no error shape to answer in, reads such a cookie as absent, so its visitor is signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad_cookies = [name for name, value in request.COOKIES.items() if "\x00" in name + value]
        if request.path.startswith("/api/"):
            fields = ["path"] if "\x00" in request.path else []
            fields += [
                name for name, value in request.headers.items() if "\x00" in name or "\x00" in value
            ]
            fields += [f"cookie.{name}" for name in bad_cookies]
            if fields:
                return nul_refused_response(fields)
        for name in bad_cookies:
            del request.COOKIES[name]
        return self.get_response(request)
