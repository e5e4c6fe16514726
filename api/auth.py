"""Who is asking: a bearer token (phones) or the signed-in session (web pages, with CSRF).

A request that carries `Authorization: Bearer` is judged by its token alone. Without that rule a
bad token falls through to the session check, whose CSRF test answers a POST with 403 "CSRF
check Failed" instead of the 401 that tells a phone to sign in again.

A token's person is known only here, after the middleware that applies a signed-in person's
stored language has run, so their language is applied here too: the app speaks Welsh to someone
who chose it, whatever the phone's own Accept-Language says.

A request may say whom it is sent for (`Signed-In-As`, the mark timecredits/pwa/owner.py gives
each person): a scan kept on a shared phone does. It is answered 401 `signed_in_as_another` for
anyone else, so a tab left open from before someone else signed in on the phone cannot send one
person's scan with the next person's cookie; it waits for the person who made it.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from timecredits.errors import NotAuthenticated
from timecredits.language import stored_language
from timecredits.pwa.owner import HEADER, phone_owner

from .tokens import token_resolve


def _carries_bearer(request) -> bool:
    return request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "bearer"


def _refuse_if_sent_for_another(request, user) -> None:
    sent_for = request.headers.get(HEADER)
    if sent_for is not None and sent_for != phone_owner(user):
        raise NotAuthenticated(
            _("This was made by someone else on this phone: it is sent when they sign in."),
            code="signed_in_as_another",
        )


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = token_resolve(raw=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        language = stored_language(api_token.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        _refuse_if_sent_for_another(request, api_token.user)
        return api_token.user


class SessionUnlessBearer(SessionAuth):
    def __call__(self, request):
        # Nobody signed in: no CSRF test either, so a write with no credentials at all is told
        # 401, as a read is, rather than 403 "CSRF check Failed".
        if _carries_bearer(request) or not request.user.is_authenticated:
            return None
        _refuse_if_sent_for_another(request, request.user)
        return super().__call__(request)


bearer = BearerToken()
session = SessionUnlessBearer()
ANYONE_SIGNED_IN = [bearer, session]
