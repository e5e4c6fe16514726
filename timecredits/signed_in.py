"""Pages for someone signed in. A form sent after the sign-in ran out (a phone left overnight)
brings its sender, once signed in again, back to the page the form was on: the address it was
sent to takes only POST, so opening it after signing in would be a bare 405. The language
switch comes back the same way."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme


def page_sent_from(request) -> str:
    """The path of the page a form was sent from, when it is one of ours; else the home page."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/") and not parts.path.startswith("//"):  # never another site
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def page_to_come_back_to(request) -> str:
    """Where to come back to after something aside (signing in, changing the language): this
    page, or, when it was drawn for a form sent to an address that takes only POST, the page
    the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return page_sent_from(request)


def login_required(view):
    """Django's `login_required`, except that a form sent while signed out comes back, after
    signing in, to the page it was sent from."""

    @wraps(view)
    def signed_in(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return redirect_to_login(page_to_come_back_to(request))

    return signed_in
