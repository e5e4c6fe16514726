"""Credits for approved time: each approved contribution's `earn` transfer, and its reversal.

The group that ran the session pays from the budget its programme allocated to it. Keys come
from the contribution and how many times it has earned before, so approving twice posts once,
and approving again after an undo posts a new transfer rather than replaying the reversed one.
Callers hold the contribution's row lock, which keeps that count still.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ledger.errors import InsufficientCredit
from ledger.models import Account, Transfer
from ledger.services import TransferSpec, transfer_post_many, transfer_reverse
from timecredits.notifications.models import Notification
from timecredits.notifications.services import Message, notify_many
from timecredits.templatetags.credits import credits

from ..errors import GroupBudgetExhausted
from ..models import Contribution


def credited_minutes(contribution: Contribution) -> int:
    """Time given becomes credits by the programme's policy (60 ledger minutes = one credit)."""
    programme = contribution.session.activity.programme
    return contribution.minutes * 60 // programme.minutes_per_credit


def _earned_before(contributions) -> dict[int, int]:
    return dict(
        Transfer.objects.filter(
            kind=Transfer.Kind.EARN,
            cause_type="contribution",
            cause_id__in=[c.pk for c in contributions],
        )
        .values("cause_id")
        .annotate(n=Count("pk"))
        .values_list("cause_id", "n")
    )


def earn_post_many(*, contributions: list[Contribution], actor) -> list[Transfer]:
    contributions = [c for c in contributions if credited_minutes(c) > 0]
    if not contributions:
        return []
    organisations = {c.session.activity.organisation_id for c in contributions}
    accounts = Account.objects.filter(
        kind=Account.Kind.ORGANISATION, organisation_id__in=organisations
    ) | Account.objects.filter(
        kind=Account.Kind.MEMBER, member_id__in={c.member_id for c in contributions}
    )
    by_owner = {(a.kind, a.organisation_id or a.member_id): a for a in accounts}
    before = _earned_before(contributions)
    specs = [
        TransferSpec(
            debit=by_owner[(Account.Kind.ORGANISATION, c.session.activity.organisation_id)],
            credit=by_owner[(Account.Kind.MEMBER, c.member_id)],
            amount=credited_minutes(c),
            kind=Transfer.Kind.EARN,
            idempotency_key=f"earn:contribution:{c.pk}:{before.get(c.pk, 0)}",
            cause_type="contribution",
            cause_id=c.pk,
            memo=c.session.activity.title,
        )
        for c in contributions
    ]
    try:
        posted = transfer_post_many(specs=specs, posted_by=actor)
    except InsufficientCredit as short:
        raise GroupBudgetExhausted(detail=short.detail) from short
    notify_many(
        messages=[
            Message(
                member=c.member,
                kind=Notification.Kind.CREDITS_EARNED,
                title=_("You earned %(credits)s credits") % {"credits": credits(t.amount)},
                body=_("For %(activity)s on %(day)s. Thank you for your time!")
                % {
                    "activity": c.session.activity.title,
                    "day": formats.date_format(timezone.localtime(c.session.starts_at)),
                },
                url=reverse("member-history"),
            )
            for c, t in zip(contributions, posted, strict=True)
        ]
    )
    return posted


def earn_reverse(*, contribution: Contribution, actor, reason: str) -> Transfer | None:
    """Reverse the contribution's latest earning, if it has one that stands."""
    earned = (
        Transfer.objects.filter(
            kind=Transfer.Kind.EARN, cause_type="contribution", cause_id=contribution.pk
        )
        .order_by("-pk")
        .first()
    )
    if earned is None:
        return None
    return transfer_reverse(
        transfer=earned,
        idempotency_key=f"reverse:{earned.idempotency_key}",
        memo=reason[:500],
        posted_by=actor,
    )
