"""Background jobs for organisations (run by django-q2; each safe to run twice)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import Invitation


def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[token])
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
