"""Web pages show a typed domain error as a page a person can act on, with the right status; a
form's address opened as a page says so; a NUL in what a page is sent is refused before any
view reads it."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from timecredits import errors
from timecredits.signed_in import page_to_come_back_to


class FormAddress(errors.DomainError):
    code = "method_not_allowed"
    message = _(
        "This address only takes a form that is sent, so there is nothing to show here. Go "
        "back to the page you came from."
    )


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and _sent_a_nul(request):
            # PostgreSQL cannot store or look up a NUL, and some views read a value as sent (a
            # code, a key): refused here, as api.parser refuses it for the API, not as a 500.
            return self.process_exception(request, errors.Invalid(NUL_REFUSED))
        response = self.get_response(request)
        return _form_address_page(request, response) or response

    def process_exception(self, request, exception):
        if not isinstance(exception, errors.DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, errors.NotAuthenticated):
            return redirect_to_login(page_to_come_back_to(request))
        # A page that refuses its input answers 400 Bad Request, where the API answers 422.
        status = 400 if isinstance(exception, errors.Invalid) else errors.http_status(exception)
        return render(request, "error.html", {"error": exception}, status=status)


NUL_REFUSED = _("Text cannot contain NUL characters.")


def _sent_a_nul(request) -> bool:
    sent = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else [])]
    return any("\x00" in name + "".join(values) for name, values in sent)


def _form_address_page(request, response):
    """A form's address opened as a page (from history, a bookmark, a page drawn for a refused
    form and reloaded later) answers Django's blank 405: a page saying so instead, or None."""
    if (
        response.status_code != 405
        or request.method not in ("GET", "HEAD")
        or request.path.startswith("/api/")
        or response.content
    ):
        return None
    page = render(request, "error.html", {"error": FormAddress()}, status=405)
    page["Allow"] = response.get("Allow", "POST")
    return page
