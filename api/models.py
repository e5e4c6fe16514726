"""Bearer tokens for phones: only a SHA-256 of each token is stored, and each can be revoked.

A token also remembers its user's credentials hash at issue (User.get_session_auth_hash): once
the password changes or the user signs out everywhere, the two differ and the token is dead.
"""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell it apart."
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    credentials_hash = models.CharField(
        max_length=64,
        default="",  # matches no user, so a token made without one never works
        help_text="The user's session auth hash when the token was issued.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
