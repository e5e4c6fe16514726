"""The URLs a member's pass QR code carries; the token itself is in activities/tokens.py."""

from django.conf import settings
from django.utils import timezone

from timecredits.activities.tokens import pass_token


def pass_url(member, *, rotating: bool = False) -> str:
    token = pass_token(
        member_id=member.pk,
        pass_version=member.pass_version,
        now=timezone.now() if rotating else None,
    )
    return f"{settings.SITE_URL.rstrip('/')}/p/{token}"
