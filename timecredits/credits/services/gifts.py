"""Gifts and donations: credits a member gives another member, a group or their programme's pool,
and credits one organisation gives another.

Every rule is checked before anything is posted, and the ledger's floor has the last word, so a
refusal leaves every balance as it was. Each request carries the caller's idempotency key, scoped
to the giver, so a retried request gives once.
"""

import datetime
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.errors import InsufficientCredit
from ledger.kinds import AccountKind, TransferKind
from ledger.selectors import (
    account_balance,
    account_debits_since,
    member_account,
    organisation_account,
    programme_account,
    transfer_by_key,
)
from ledger.services import account_close, accounts_lock, transfer_post
from partners.selectors import organisation_gift_recipients, programme_groups
from timecredits.db import retry_on_conflict
from timecredits.errors import NotFound
from timecredits.members.passes import check_pass_version, read_pass_token
from timecredits.members.selectors import (
    member_by_code,
    member_for_user,
    member_get_or_none,
    members_lock,
)
from timecredits.notifications.selectors import NotificationKind
from timecredits.notifications.services import in_language_of, notify
from timecredits.templatetags.credits import credits_words

if TYPE_CHECKING:
    from partners.models import Organisation
    from timecredits.members.models import Member

from ..errors import (
    AmountInvalid,
    CreditsOnHold,
    DailyGiftLimit,
    GiftToSelf,
    NotEnoughCredits,
    OrganisationNotEligible,
    ReasonMissing,
    RecipientClosed,
    RecipientInOtherProgramme,
    RecipientNotFound,
)

MESSAGE_LENGTH = 500
# Letters a code cannot contain but a person may read off a card: Crockford's decoding.
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_member_code(raw: str) -> str:
    """ "ab12-cd3o" -> "AB12CD30": what a person types from a card, as the code is stored."""
    return re.sub(r"[\s-]", "", (raw or "").upper()).translate(_LOOKALIKES)


def recipient_by_code(*, code: str) -> "Member":
    member = member_by_code(code=normalise_member_code(code))
    if member is None:
        raise RecipientNotFound(
            detail=[{"field": "member_code", "message": RecipientNotFound.message}]
        )
    return member


def recipient_by_pass(*, pass_token: str, now: datetime.datetime | None = None) -> "Member":
    """The member whose card or phone pass was scanned; a replaced card is refused."""
    ticket = read_pass_token(pass_token, now=now or timezone.now())
    member = member_get_or_none(member_id=ticket.member_id)
    if member is None:
        raise RecipientNotFound()
    check_pass_version(ticket, member.pass_version)
    return member


@retry_on_conflict
def gift_to_member(
    *,
    actor,
    recipient: "Member",
    minutes: int,
    message: str = "",
    idempotency_key: str,
    now: datetime.datetime | None = None,
):
    """A member gives credits to another member of their programme: a `gift` transfer.

    At most `CREDITS_DAILY_GIFT_LIMIT_MINUTES` a day leave one member as gifts; the giver's row is
    locked while the day's gifts are counted, so two gifts at once cannot both slip under it.
    The recipient's row is locked with it, the lower pk first (the lock order in
    timecredits/db.py), so two members gifting each other queue, and a recipient closing their
    account at that moment is seen.
    """
    giver = giver_for(actor=actor)
    _check_amount(minutes)
    if recipient.pk == giver.pk:
        raise GiftToSelf(detail=[{"field": "member_code", "message": GiftToSelf.message}])
    if recipient.programme_id != giver.programme_id:
        raise RecipientInOtherProgramme(
            detail=[{"field": "member_code", "message": RecipientInOtherProgramme.message}]
        )
    if recipient.closed_at is not None:
        raise RecipientClosed(detail=[{"field": "member_code", "message": RecipientClosed.message}])
    key = f"gift:{giver.pk}:{idempotency_key}"
    closed = members_lock(member_ids=[giver.pk, recipient.pk])
    account = member_account(member=giver)
    replay = transfer_by_key(idempotency_key=key) is not None
    if not replay:  # a replay neither counts against the limit nor notifies again
        if closed[recipient.pk] is not None:
            raise RecipientClosed(
                detail=[{"field": "member_code", "message": RecipientClosed.message}]
            )
        _check_daily_limit(account, minutes, now or timezone.now())
    gift = _post(
        debit=account,
        credit=member_account(member=recipient),
        minutes=minutes,
        kind=TransferKind.GIFT,
        key=key,
        cause_type="gift",
        cause_id=giver.pk,
        memo=_message(message),
        actor=actor,
    )
    if not replay:
        with in_language_of(recipient):
            notify(
                member=recipient,
                kind=NotificationKind.GIFT_RECEIVED,
                title=_("Member %(code)s gave you %(credits)s")
                % {"code": giver.code, "credits": credits_words(minutes)},
                body=gift.memo,
                url=reverse("member-history"),
            )
    return gift


@retry_on_conflict
def donate(
    *,
    actor,
    organisation: "Organisation | None",
    minutes: int,
    message: str = "",
    idempotency_key: str,
):
    """A member donates credits to a group in their programme, or (no group) to its pool."""
    giver = giver_for(actor=actor)
    _check_amount(minutes)
    if organisation is None:
        credit = programme_account(programme=giver.programme, kind=AccountKind.POOL)
    else:
        if organisation not in programme_groups(programme=giver.programme_id):
            raise OrganisationNotEligible(
                detail=[{"field": "organisation", "message": OrganisationNotEligible.message}]
            )
        credit = organisation_account(organisation=organisation)
    return _post(
        debit=member_account(member=giver),
        credit=credit,
        minutes=minutes,
        kind=TransferKind.DONATE,
        key=f"donate:{giver.pk}:{idempotency_key}",
        cause_type="donation",
        cause_id=giver.pk,
        memo=_message(message),
        actor=actor,
    )


def member_account_settle(*, member: "Member", donate_to: "Organisation | None" = None):
    """A member leaving: what they hold goes to the group they chose, or (no group) their
    programme's pool, and their account closes, so the ledger keeps its history against a
    pseudonymous account. A hold booked meanwhile makes the ledger refuse to close it. Safe to
    run twice: the donation's key names the member.

    Both accounts are locked (in id order) before the balance is read: a donation or a booking
    from the member's other phone meanwhile is either in it or waits, rather than making the
    ledger refuse the settling as more than they hold."""
    recipient = (
        organisation_account(organisation=donate_to)
        if donate_to is not None
        else programme_account(programme=member.programme, kind=AccountKind.POOL)
    )
    account = member_account(member=member)
    account = accounts_lock([account.pk, recipient.pk])[account.pk]
    if account.debits_pending:
        raise CreditsOnHold()
    if account.balance > 0:
        transfer_post(
            debit=account,
            credit=recipient,
            amount=account.balance,
            kind=TransferKind.DONATE,
            idempotency_key=f"member-close:{member.pk}",
            cause_type="member_closure",
            cause_id=member.pk,
            memo="Balance donated when the member closed their account",
            posted_by=member.user,
        )
    return account_close(account=account)


@retry_on_conflict
def organisation_gift(
    *,
    actor,
    giver: "Organisation",
    recipient: "Organisation",
    minutes: int,
    reason: str,
    idempotency_key: str,
):
    """An organisation's admin gives some of its credits to another organisation that takes
    part in one of the same programmes: a `gift` transfer between their accounts."""
    _check_amount(minutes)
    if recipient.pk == giver.pk:
        raise GiftToSelf(
            _("An organisation cannot give credits to itself."),
            detail=[{"field": "organisation", "message": _("Choose another organisation.")}],
        )
    if recipient not in organisation_gift_recipients(organisation=giver):
        raise OrganisationNotEligible(
            _("Choose an approved organisation in one of your programmes."),
            detail=[
                {"field": "organisation", "message": _("Choose an organisation from the list.")}
            ],
        )
    reason = (reason or "").strip()
    if not reason:
        raise ReasonMissing(detail=[{"field": "reason", "message": ReasonMissing.message}])
    return _post(
        debit=organisation_account(organisation=giver),
        credit=organisation_account(organisation=recipient),
        minutes=minutes,
        kind=TransferKind.GIFT,
        key=f"org-gift:{giver.pk}:{actor.pk}:{idempotency_key}",
        cause_type="organisation_gift",
        cause_id=giver.pk,
        memo=reason[:MESSAGE_LENGTH],
        actor=actor,
    )


def gifts_left_today(*, member: "Member", now: datetime.datetime | None = None) -> int:
    """Minutes the member can still give other members today."""
    given = _given_today(member_account(member=member), now or timezone.now())
    return max(settings.CREDITS_DAILY_GIFT_LIMIT_MINUTES - given, 0)


def giver_for(*, actor) -> "Member":
    """The member giving: the acting user's own member profile."""
    member = member_for_user(user=actor)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    return member


def _check_amount(minutes) -> None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        raise AmountInvalid(detail=[{"field": "amount", "message": AmountInvalid.message}])


def _message(message: str) -> str:
    return (message or "").strip()[:MESSAGE_LENGTH]


def _given_today(account, now: datetime.datetime) -> int:
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return account_debits_since(account=account, kind=TransferKind.GIFT, since=midnight)


def _check_daily_limit(account, minutes: int, now: datetime.datetime) -> None:
    limit = settings.CREDITS_DAILY_GIFT_LIMIT_MINUTES
    left = max(limit - _given_today(account, now), 0)
    if minutes > left:
        message = _(
            "You can give up to %(limit)s a day, and you have %(left)s left to give today."
        ) % {"limit": credits_words(limit), "left": credits_words(left)}
        raise DailyGiftLimit(message, detail=[{"field": "amount", "message": message}])


def _post(*, debit, credit, minutes, kind, key, cause_type, cause_id, memo, actor):
    try:
        return transfer_post(
            debit=debit,
            credit=credit,
            amount=minutes,
            kind=kind,
            idempotency_key=key,
            cause_type=cause_type,
            cause_id=cause_id,
            memo=memo,
            posted_by=actor,
        )
    except InsufficientCredit as refused:
        available = account_balance(account=debit).available
        message = _("There are only %(available)s to give.") % {
            "available": credits_words(available)
        }
        raise NotEnoughCredits(
            message, detail=[{"field": "amount", "message": message, "available": available}]
        ) from refused
