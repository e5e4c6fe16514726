"""Background jobs for organisations (run by django-q2; each safe to run twice)."""

import logging

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from timecredits.site import absolute_url

from .models import Invitation
from .services.organisations import invitation_sending_is, invitations_unemailed

log = logging.getLogger(__name__)
# A mail server's socket step waits this long (Django's default waits for ever, and a sweep
# stuck on one would run into the next); the sweep sends this many at most.
SEND_TIMEOUT = 60
SWEEP_MOST = 50


def send_invitation_email(
    invitation_id: int, token: str, base: str = "", language: str = ""
) -> None:
    """`base`: the site's address when the invitation was made (see timecredits.site);
    `language`: the inviter's page's, which the email is written in."""
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.withdrawn_at is not None
        # Sent again since: this link no longer works, and the newer sending has its own email.
        or not invitation_sending_is(invitation, token)
        # The sweep sent it while this task waited for a worker.
        or invitation.emailed
    ):
        return
    link = absolute_url(reverse("invitation-accept", args=[token]), base=base)
    with translation.override(language or settings.LANGUAGE_CODE):
        names = {
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display().lower(),
        }
        subject = _("You are invited to join %(organisation)s") % names
        message = (
            _("You have been invited to join %(organisation)s as %(role)s on Time credits.") % names
            + "\n\n"
            + _("Open this link to accept (it works once, for 14 days):")
            + f"\n{link}\n"
        )
    send_mail(
        subject=subject,
        message=message,
        from_email=None,
        recipient_list=[invitation.email],
        connection=get_connection(timeout=SEND_TIMEOUT),
    )
    # For this sending only: sent again meanwhile, the newer link's email is still owed.
    Invitation.objects.filter(pk=invitation.pk, sent_at=invitation.sent_at).update(
        emailed_at=timezone.now()
    )


def send_unemailed_invitations() -> int:
    """The sweep: send again each open invitation whose email never reached the mail server
    (the page says so meanwhile); how many went now."""
    sent = 0
    for invitation, token in invitations_unemailed(now=timezone.now())[:SWEEP_MOST]:
        try:
            send_invitation_email(invitation.pk, token, invitation.site_url, invitation.language)
        except Exception as error:  # the mail server still refuses: the next sweep tries again
            log.warning("Invitation %s not emailed: %s", invitation.pk, error)
        else:
            sent += 1
    return sent
