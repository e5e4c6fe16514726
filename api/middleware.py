"""API requests before and after django-ninja: NUL characters refused in paths and headers, and
the plain-text 405 django-ninja answers for a method an endpoint lacks given the error shape."""

from .errors import method_not_allowed, nul_refused_response


class MethodNotAllowedMiddleware:
    """django-ninja answers a missing method in plain text: give that 405 the error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/")
        ):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return method_not_allowed(request.method, allowed)
        return response


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
