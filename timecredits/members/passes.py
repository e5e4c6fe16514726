"""A member's pass: a signed token naming the member and their pass version.

A printed card carries it as a QR code; raising `Member.pass_version` revokes every card
printed before, without a lookup table of revoked codes.
"""

from django.conf import settings
from django.core import signing

PASS_SALT = "members.pass"  # noqa: S105 - a signing namespace, not a secret


def pass_token(member) -> str:
    return signing.dumps({"m": member.pk, "v": member.pass_version}, salt=PASS_SALT, compress=True)


def pass_url(member) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/p/{pass_token(member)}"
