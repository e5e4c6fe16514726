"""The site's own address, for links that leave it: QR codes, emails and API outputs.

`SITE_URL` when it is set (a deployment says the address people should use); otherwise the
address the current request came to, which `SiteAddressMiddleware` makes known for the length of
the request, as LocaleMiddleware does the language, so that a code printed under any host or port
points back at it without every token helper taking the request. Work done outside a request (the
worker) has `SITE_URL`, or a base captured when the work was queued (`site_url()` then).
"""

from contextvars import ContextVar

from django.conf import settings

_request = ContextVar("site_request", default=None)


def site_url() -> str:
    """The site's address without a trailing slash, e.g. `https://credits.example`; empty when
    neither SITE_URL nor a request says it."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    request = _request.get()
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


def absolute_url(path: str, *, base: str = "") -> str:
    """`path` on this site: under SITE_URL, else `base` (captured earlier), else the request's."""
    return f"{(settings.SITE_URL or base).rstrip('/') or site_url()}{path}"


class SiteAddressMiddleware:
    """Make the request's own address known to `site_url` while it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
