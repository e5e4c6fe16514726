"""Response headers Django and django-csp leave out: no-store for whatever a signed-in person or a
bearer token gets back, and the pages' protective headers on the static files WhiteNoise serves."""

from csp.utils import build_policy
from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person or a bearer token.

    A page or an API answer for someone signed in carries their name, balance and history: no
    shared proxy may keep it, and the browser may not keep it on disk for the next person at a
    library computer to find with Back. A view that chose its own caching (an offer's public
    photo, never_cache on sign-in) is left as it chose. Placed after AuthenticationMiddleware, and
    it looks at the user once the view has run, so the answer to signing in is covered too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "Authorization" in request.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


def static_file_headers(headers, path, url):
    """WHITENOISE_ADD_HEADERS_FUNCTION: static files answer with the headers pages get.

    WhiteNoise answers before any later middleware runs, so neither the clickjacking middleware nor
    django-csp sees its responses. A stylesheet or script is harmless framed, but an SVG opened on
    its own is a document, and the policy keeps it from running script or being framed.
    """
    headers["Content-Security-Policy"] = build_policy()
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    headers["X-Content-Type-Options"] = "nosniff"
