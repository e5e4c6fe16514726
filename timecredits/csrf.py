"""Django's form-token check, without sending back a token the browser already has.

Django sends the token's cookie again with every page that draws a form, to push its expiry on.
Signing in replaces the token; a page asked for just before (the service worker warms its
offline pages while the sign-in form is sent) answers after, and its cookie put the old token
back: every form drawn since was refused. A cookie the browser already holds is not sent again
(whether this middleware or a view's `csrf_protect` set it), so a late answer cannot undo
signing in. The cookie lasts a year from when its token was made."""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        name = settings.CSRF_COOKIE_NAME
        sent = response.cookies.get(name)
        if sent is not None and sent.value == request.COOKIES.get(name):
            del response.cookies[name]
        return response
