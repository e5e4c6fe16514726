"""Redemption codes: the short code people type, and the signed URL its QR code carries.

Pure functions of their inputs: a forged or mangled token fails its HMAC before any query.
"""

import secrets

from django.core import signing
from django.utils.translation import gettext

from timecredits.members.selectors import MEMBER_CODE_ALPHABET
from timecredits.site import absolute_url

from .errors import RedemptionNotFound

REDEMPTION_SALT = "partners.redemption"
CODE_LENGTH = 6


def new_redemption_code() -> str:
    """Six characters of Crockford's alphabet (no I, L, O or U): about a billion codes."""
    return "".join(secrets.choice(MEMBER_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person typed, forgiving spaces, dashes, lower case and the look-alike letters."""
    cleaned = "".join((code or "").split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def redemption_token(*, redemption_id: int, code: str) -> str:
    return signing.dumps({"r": redemption_id, "c": code}, salt=REDEMPTION_SALT)


def redemption_url(*, redemption_id: int, code: str) -> str:
    token = redemption_token(redemption_id=redemption_id, code=code)
    return absolute_url(f"/r/{token}")


def read_redemption_token(token: str) -> str:
    """The code a scanned redemption QR carries."""
    try:
        payload = signing.loads(token, salt=REDEMPTION_SALT)
        return str(payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as forged:
        raise RedemptionNotFound(gettext("This is not a redemption code we issued.")) from forged
