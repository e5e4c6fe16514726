"""The member's scan page: where a code read by the camera, or typed or pasted under it, leads.

Only this site's own codes are followed: a check-in code (/c/<token>), a member's pass
(/p/<token>) or a redemption code (/r/<token>). The page each one opens checks its token; this
only says which page, so a code for another website is refused here and never opened.
"""

import re
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from timecredits.errors import Invalid

from ._members import acting_member

SCANNED_PATH = re.compile(r"^/(c|p|r)/([^/?#\s]+)/?$")


def scan_page(*, actor):
    """The member the scan page is for (a 404 for someone who is not one)."""
    return acting_member(actor, refuse_non_members=False)


def scanned_code_target(*, actor, text: str, host: str) -> str:
    """The path on this site that a scanned or typed code opens; Invalid for anything else.

    `host` is the host the request came to: a full address naming another host is refused.
    An address pasted without its scheme ("timecredits.example/c/…") is read as one."""
    acting_member(actor, refuse_non_members=False)
    typed = "".join((text or "").split())
    if not typed:
        raise Invalid(_("Paste the web address the QR code holds."), code="code_missing")
    if "://" not in typed and not typed.startswith("/"):
        # An address pasted without its scheme names a host ("timecredits.example/c/…");
        # anything else typed ("hello") is no address at all, not another website's.
        first = typed.split("/", 1)[0]
        if first.lower() != host.lower() and "." not in first and ":" not in first:
            raise Invalid(_("That is not a code from this site."), code="code_unknown")
        typed = f"//{typed}"
    try:
        parts = urlsplit(typed)
    except ValueError as unreadable:
        raise Invalid(_("That is not a code from this site."), code="code_unknown") from unreadable
    if parts.netloc and parts.netloc.lower() != host.lower():
        raise Invalid(
            _("That code is for another website (%(host)s), so it was not opened.")
            % {"host": parts.netloc},
            code="code_other_site",
        )
    match = SCANNED_PATH.match(parts.path)
    if match is None:
        raise Invalid(_("That is not a code from this site."), code="code_unknown")
    return f"/{match.group(1)}/{match.group(2)}"
