"""Who is asking: a bearer token (phones) or the signed-in session (web pages, with CSRF)."""

from ninja.security import HttpBearer, SessionAuth

from .tokens import token_resolve


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = token_resolve(raw=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


bearer = BearerToken()
session = SessionAuth()
ANYONE_SIGNED_IN = [bearer, session]
