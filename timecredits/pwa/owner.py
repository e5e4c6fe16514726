"""Whom a page on a shared phone is for. The service worker keeps a signed-in member's pass,
card and scan page for use without a signal, and the page shell keeps scans made offline until
they can be sent; both must be kept for one person only. Every page says whom it was drawn for,
as an opaque mark (never the account itself): the service worker drops what it kept for anyone
else as soon as a page for someone new (or no one) arrives, and scans wait for the person who
made them."""

from django.utils.crypto import salted_hmac

HEADER = "Signed-In-As"


def phone_owner(user) -> str:
    """The mark of the signed-in `user`, the same on every page for them; empty for no one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("timecredits.pwa.owner", str(user.pk)).hexdigest()[:20]


class SignedInAsMiddleware:
    """`Signed-In-As` on every page: who it was drawn for, once the view has run (so the answer
    to signing in, out or joining names the person now signed in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response[HEADER] = phone_owner(getattr(request, "user", None))
        return response
