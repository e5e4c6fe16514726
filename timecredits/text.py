"""Text as the product keeps what people type: names and titles on one line, and no control
characters anywhere (a spreadsheet, a calendar file and an email header each refuse them)."""

import re

# What no text a person types holds: the C0 controls but tab and the two line ends, DEL, and
# a lone surrogate (JSON's "\ud800", which no database or file can encode).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def one_line(text: str | None) -> str:
    """A name or title as it is kept: no space at either end, one between words and no line
    break, since it heads an email, a calendar event and a spreadsheet's cell."""
    return " ".join((text or "").split())
