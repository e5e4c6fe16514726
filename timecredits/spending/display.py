"""What pages and the API show of an offer or a redemption that follows from its own fields: where
the offer's photo is served and its version, whether a code is live. No queries."""

import datetime
import hashlib

from django.urls import reverse
from django.utils import timezone

from .models import Offer, Redemption


def photo_version(offer: Offer) -> str:
    """Changes whenever the photo does (each upload gets a fresh file name): the ETag, and the
    query string that lets a browser keep a photo for a long time."""
    return hashlib.sha256(offer.photo.name.encode()).hexdigest()[:16]


def photo_url(offer: Offer) -> str:
    """The path that serves an offer's photo, or "" when it has none."""
    if not offer.photo:
        return ""
    return f"{reverse('offer-photo', args=[offer.pk])}?v={photo_version(offer)}"


def is_live(redemption: Redemption, *, now: datetime.datetime | None = None) -> bool:
    """Held and still inside its time: the one state in which a venue can complete it."""
    return redemption.status == Redemption.Status.HELD and redemption.expires_at > (
        now or timezone.now()
    )
