"""Web pages show a typed domain error as a page a person can act on, with the right status."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from timecredits import errors

STATUS = [
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Invalid, 400),
    (errors.RateLimited, 429),
]


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, errors.DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, errors.NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        status = next((s for family, s in STATUS if isinstance(exception, family)), 400)
        return render(request, "error.html", {"error": exception}, status=status)
