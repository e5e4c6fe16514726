"""Who is asking: a bearer token (phones) or the signed-in session (web pages, with CSRF).

A request that carries `Authorization: Bearer` is judged by its token alone. Without that rule a
bad token falls through to the session check, whose CSRF test answers a POST with 403 "CSRF
check Failed" instead of the 401 that tells a phone to sign in again.
"""

from ninja.security import HttpBearer, SessionAuth

from .tokens import token_resolve


def _carries_bearer(request) -> bool:
    return request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "bearer"


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = token_resolve(raw=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionUnlessBearer(SessionAuth):
    def __call__(self, request):
        if _carries_bearer(request):
            return None
        return super().__call__(request)


bearer = BearerToken()
session = SessionUnlessBearer()
ANYONE_SIGNED_IN = [bearer, session]
