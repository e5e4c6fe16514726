"""Issuing, resolving and revoking bearer tokens.

Tokens are 256 random bits, so a plain SHA-256 is enough to make the stored digest useless to
a thief; a slow password hash would only slow every request down.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.errors import NotAuthenticated

from .models import ApiToken

TOKEN_PREFIX = "tc_"  # noqa: S105 - a public marker, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, request, username: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """Trade a username and password for a new token; returns the row and the raw token."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise NotAuthenticated(_("Wrong username or password."), code="invalid_credentials")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=_digest(raw))
    return token, raw


def token_resolve(*, raw: str) -> ApiToken | None:
    """The live token for this raw value, or None; records when it was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
