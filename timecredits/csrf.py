"""Django's form token, without sending back a token cookie the browser already has.

Django sends the token's cookie again with every page that draws a form, to push its expiry on.
Signing in replaces the token; a page asked for just before (the service worker warms its
offline pages while the sign-in form is sent) answers after, and its cookie put the old token
back: every form drawn since was refused. A cookie the browser already holds is not sent again
(whether Django's CsrfViewMiddleware or a view's `csrf_protect` set it), so a late answer cannot
undo signing in. The cookie lasts a year from when its token was made. Placed just before
Django's CsrfViewMiddleware (which stays, as Django's deploy check asks), to see its answer."""

from django.conf import settings


class UnchangedCsrfCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        name = settings.CSRF_COOKIE_NAME
        sent = response.cookies.get(name)
        if sent is not None and sent.value == request.COOKIES.get(name):
            del response.cookies[name]
        return response
