"""What a member does with what they are told, for pages and the API alike: read their
notifications, mark them read, and choose which kinds also come by email. Each needs only that
the actor has a (live) member profile: someone without one has no notifications to see."""

from dataclasses import dataclass

from timecredits.members.selectors import live_member_for_user
from timecredits.members.use_cases import own_member

from . import selectors, services
from .models import Notification


@dataclass(frozen=True)
class Inbox:
    unread: int
    notifications: list[Notification]


def member_inbox(*, actor) -> Inbox:
    """The member's latest notifications, and how many of them they have not read."""
    member = own_member(actor=actor)
    return Inbox(
        unread=selectors.unread_count(member=member),
        notifications=selectors.member_notifications(member=member),
    )


def notifications_page(*, actor) -> dict:
    """The notifications page: the latest, and the kinds the member gets by email."""
    member = own_member(actor=actor)
    return {
        "notifications": selectors.member_notifications(member=member),
        "emailed_kinds": selectors.emailed_kinds(member=member),
    }


def notifications_mark_read(*, actor) -> int:
    return services.notifications_mark_read(member=own_member(actor=actor))


def emailed_kinds(*, actor) -> set[str]:
    return selectors.emailed_kinds(member=own_member(actor=actor))


def email_preferences_set(*, actor, kinds: set[str]) -> set[str]:
    """Email the member about exactly these kinds; returns the kinds emailed from now on."""
    member = own_member(actor=actor)
    services.email_preferences_set(member=member, kinds=kinds)
    return selectors.emailed_kinds(member=member)


def unread_notifications(*, actor) -> int | None:
    """How many notifications wait unread, for the badge on every page; None for someone who
    is not a member."""
    member = live_member_for_user(user=actor)
    return selectors.unread_count(member=member) if member is not None else None
