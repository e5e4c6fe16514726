"""Pages for someone signed in. A form sent after the sign-in ran out (a phone left overnight)
brings its sender, once signed in again, back to the page the form was on: the address it was
sent to takes only POST, so opening it after signing in would be a bare 405."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme


def _page_sent_from(request) -> str:
    """The path of the page a form was sent from, when it is one of ours; else the home page."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def login_required(view):
    """Django's `login_required`, except that a form sent while signed out comes back, after
    signing in, to the page it was sent from."""

    @wraps(view)
    def signed_in(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        safe = request.method in ("GET", "HEAD")
        return redirect_to_login(request.get_full_path() if safe else _page_sent_from(request))

    return signed_in
