"""Numbers as people type them: "1,250.50" has a comma between thousands, but "12,50" is how
much of Europe writes twelve and a half, and must not be read as 1,250."""

import re

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def without_thousands(text: str) -> str | None:
    """The text without the commas between its thousands ("1,250.50" -> "1250.50"); text with
    no comma as it is; None where a comma stands anywhere else ("12,50", "1,5")."""
    text = text.strip()
    if "," not in text:
        return text
    return text.replace(",", "") if _THOUSANDS.fullmatch(text) else None
