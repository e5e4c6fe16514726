"""Web pages show a typed domain error as a page a person can act on, with the right status."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from timecredits import errors
from timecredits.signed_in import page_to_come_back_to


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, errors.DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, errors.NotAuthenticated):
            return redirect_to_login(page_to_come_back_to(request))
        # A page that refuses its input answers 400 Bad Request, where the API answers 422.
        status = 400 if isinstance(exception, errors.Invalid) else errors.http_status(exception)
        return render(request, "error.html", {"error": exception}, status=status)
