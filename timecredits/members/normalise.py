"""UK phone numbers and postcodes: normalised so that the same number or postcode matches itself."""

import re

_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_phone(raw: str) -> str | None:
    """A UK phone number as +44 and its digits, or None if it does not look like one."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9][0-9]{8,9}", digits):
        return None
    return "+44" + digits[1:]


def normalise_postcode(raw: str) -> str | None:
    """A UK postcode in its standard form ("CF10 1AA"), or None if it is not one."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = _UK_POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str) -> str:
    """The outward code ("CF10"): coarse enough to report on without identifying anyone."""
    return postcode.split(" ", 1)[0]
