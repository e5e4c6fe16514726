"""Issuing, resolving and revoking bearer tokens: a member's devices.

Tokens are 256 random bits, so a plain SHA-256 is enough to make the stored digest useless to
a thief; a slow password hash would only slow every request down.

A token is live while it is not revoked, has been used within API_TOKEN_IDLE_DAYS, is younger
than API_TOKEN_MAX_AGE_DAYS, and its user's credentials hash is the one it was issued under (so
a password change, by any path, or signing out everywhere ends it).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from timecredits.errors import NotAuthenticated, NotFound
from timecredits.members.use_cases import user_sign_out_everywhere

from .models import ApiToken

TOKEN_PREFIX = "tc_"  # noqa: S105 - a public marker, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _credentials_match(token: ApiToken) -> bool:
    user = token.user
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(token.credentials_hash, h) for h in hashes)


def _live(now) -> Q:
    idle_since = now - timedelta(days=settings.API_TOKEN_IDLE_DAYS)
    return Q(
        revoked_at__isnull=True,
        user__is_active=True,
        created_at__gt=now - timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS),
    ) & (Q(last_used_at__gt=idle_since) | Q(last_used_at__isnull=True, created_at__gt=idle_since))


def token_issue(*, request, username: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """Trade a username and password for a new token; returns the row and the raw token."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise NotAuthenticated(_("Wrong username or password."), code="invalid_credentials")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        digest=_digest(raw),
        credentials_hash=user.get_session_auth_hash(),
    )
    return token, raw


def token_resolve(*, raw: str) -> ApiToken | None:
    """The live token for this raw value, or None; records when it was last used."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(_live(now), digest=_digest(raw)).first()
    if token is None or not _credentials_match(token):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_devices(*, user) -> list[ApiToken]:
    """The user's live tokens, newest first: the phones and apps signed in as them."""
    tokens = ApiToken.objects.select_related("user").filter(_live(timezone.now()), user=user)
    return [token for token in tokens if _credentials_match(token)]


def device_revoke(*, user, token_id: int) -> None:
    """Revoke one of the user's own tokens; anyone else's is not found."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise NotFound(_("There is no such device."), code="device_not_found")


@transaction.atomic
def sign_out_everywhere(*, user) -> None:
    """End every web session and revoke every token of this user, this one included."""
    user_sign_out_everywhere(actor=user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
