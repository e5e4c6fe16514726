"""Background jobs for organisations (run by django-q2; each safe to run twice)."""

from django.core.mail import send_mail
from django.urls import reverse

from timecredits.site import absolute_url

from .models import Invitation


def send_invitation_email(invitation_id: int, token: str, base: str = "") -> None:
    """`base`: the site's address when the invitation was made (see timecredits.site)."""
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    link = absolute_url(reverse("invitation-accept", args=[token]), base=base)
    send_mail(
        subject=f"You are invited to join {invitation.organisation.name}",
        message=(
            f"You have been invited to join {invitation.organisation.name} as "
            f"{invitation.get_role_display().lower()} on Time credits.\n\n"
            f"Open this link to accept (it works once, for 14 days):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
