"""Credits for approved time: what each approved contribution earns, posted through the credits
service, and the member's note that they earned it; the reversal when an approval is undone,
and the notes that credits were taken back or time was not approved.

The group that ran the session pays from the budget its programme allocated to it; a budget that
cannot pay refuses the approval as a whole.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ledger.errors import InsufficientCredit
from timecredits.credits.services.earning import Earning, earning_reverse, earnings_post
from timecredits.notifications.services import Message, in_language_of, notify_many
from timecredits.templatetags.credits import credits_words

from ..errors import GroupBudgetExhausted
from ..models import Contribution

CREDITS_EARNED = "credits_earned"  # the notification's kind


def credited_minutes(contribution: Contribution) -> int:
    """Time given becomes credits by the programme's policy (60 ledger minutes = one credit)."""
    programme = contribution.session.activity.programme
    return contribution.minutes * 60 // programme.minutes_per_credit


def earnings_of(contributions: list[Contribution]) -> list[Earning]:
    """What each contribution earns, leaving out those that earn nothing."""
    return [
        Earning(
            contribution_id=c.pk,
            organisation_id=c.session.activity.organisation_id,
            member_id=c.member_id,
            amount=credited_minutes(c),
            memo=c.session.activity.title,
        )
        for c in contributions
        if credited_minutes(c) > 0
    ]


def _when(contribution: Contribution) -> dict:
    return {
        "activity": contribution.session.activity.title,
        "day": formats.date_format(timezone.localtime(contribution.session.starts_at)),
    }


def _earned(contribution: Contribution, transfer) -> Message:
    with in_language_of(contribution.member):
        return Message(
            member=contribution.member,
            kind=CREDITS_EARNED,
            title=_("You earned %(credits)s") % {"credits": credits_words(transfer.amount)},
            body=_("For %(activity)s on %(day)s. Thank you for your time!") % _when(contribution),
            url=reverse("member-history"),
        )


def time_not_approved(contribution: Contribution, *, reason: str) -> Message:
    """The member's note that their time was rejected, with the coordinator's reason."""
    with in_language_of(contribution.member):
        return Message(
            member=contribution.member,
            kind=CREDITS_EARNED,
            title=_("Your time at %(activity)s on %(day)s was not approved") % _when(contribution),
            body=_("The reason given: %(reason)s") % {"reason": reason},
            url=reverse("member-history"),
        )


def earn_post_many(*, contributions: list[Contribution], actor) -> list:
    contributions = [c for c in contributions if credited_minutes(c) > 0]
    if not contributions:
        return []
    try:
        posted = earnings_post(earnings=earnings_of(contributions), posted_by=actor)
    except InsufficientCredit as short:
        raise GroupBudgetExhausted(detail=short.detail) from short
    notify_many(messages=[_earned(c, t) for c, t in zip(contributions, posted, strict=True)])
    return posted


def earn_reverse(*, contribution: Contribution, actor, reason: str):
    """Reverse the contribution's latest earning, if it has one that stands, and tell the member
    (their note that they earned it stays, and would overstate what they hold)."""
    reversal = earning_reverse(contribution_id=contribution.pk, posted_by=actor, memo=reason)
    if reversal is not None:
        with in_language_of(contribution.member):
            taken = Message(
                member=contribution.member,
                kind=CREDITS_EARNED,
                title=_("%(credits)s taken back") % {"credits": credits_words(reversal.amount)},
                body=_(
                    "Your time at %(activity)s on %(day)s waits to be looked at again. The "
                    "reason given: %(reason)s"
                )
                % {**_when(contribution), "reason": reason},
                url=reverse("member-history"),
            )
        notify_many(messages=[taken])
    return reversal
