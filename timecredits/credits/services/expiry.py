"""Expiry by programme policy: credits unused for `expiry_months` of inactivity expire.

Inactivity means no transfer on the member's account, in or out, of any kind (a hold counts:
booking an offer is activity). A daily job warns each member `CREDITS_EXPIRY_WARNING_DAYS` before
their credits expire, once per period of inactivity, and posts the `expire` transfer (the whole
available balance, to the programme's expiry account) when it is due. A member is always warned
first: credits expire no sooner than the day the warning period ends, even if the policy was
switched on, or the job was down, after the period had begun: at the first run on the day the
warning names. A warning no longer true is sent again with the day that holds: when the policy
was lengthened since, or when its day passed with nothing done (the policy was off, or the job
down, for longer than the warning period).

A programme admin can reverse an expiry; the reversal is itself activity, so a new period starts.
"""

import calendar
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ledger.errors import LedgerConflict
from ledger.kinds import AccountKind, TransferKind
from ledger.selectors import (
    account_last_posted_at,
    member_accounts_in_credit,
    programme_account,
    programme_expiry,
)
from ledger.services import accounts_lock, transfer_post, transfer_reverse
from timecredits.db import retry_on_conflict
from timecredits.errors import Problems
from timecredits.notifications.selectors import NotificationKind
from timecredits.notifications.services import in_language_of, notify
from timecredits.programmes.selectors import programmes_with_expiry
from timecredits.templatetags.credits import credits_count, credits_words

from ..errors import NotAnExpiry
from ..models import ExpiryWarning

log = logging.getLogger(__name__)


@dataclass
class ExpiryRun:
    warned: list[ExpiryWarning] = field(default_factory=list)
    expired: list = field(default_factory=list)


@dataclass(frozen=True)
class Inactive:
    account: object  # the member's ledger account
    last_activity_at: datetime.datetime
    expires_at: datetime.datetime


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` later, or the month's last day if it is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def warning_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CREDITS_EXPIRY_WARNING_DAYS)


def inactive_accounts(*, programme, now: datetime.datetime) -> list[Inactive]:
    """Members of the programme holding credits whose warning is due by `now`, oldest first."""
    if not programme.expiry_months:
        return []
    found = []
    for account in member_accounts_in_credit(programme=programme):
        last = max(moment for moment in (account.last_in, account.last_out) if moment)
        expires_at = add_months(timezone.localtime(last), programme.expiry_months)
        if now >= expires_at - warning_period():
            found.append(Inactive(account, last, expires_at))
    return found


def credits_expire_due(*, now: datetime.datetime | None = None) -> ExpiryRun:
    """The daily job: warn whoever's credits expire within the warning period, and expire what
    is due. Safe to run twice: a warning is kept once per period and an expiry's key names it."""
    now = now or timezone.now()
    run = ExpiryRun()
    for programme in programmes_with_expiry():
        for inactive in inactive_accounts(programme=programme, now=now):
            warning = _warn(inactive, now)
            if warning is not None:
                run.warned.append(warning)
                continue
            transfer = _expire_if_due(programme, inactive, now)
            if transfer is not None:
                run.expired.append(transfer)
    return run


def _warn(inactive: Inactive, now: datetime.datetime) -> ExpiryWarning | None:
    """A new warning, or this period's sent again with the day that holds now, or None if this
    period's warning stands."""
    try:
        with transaction.atomic():
            warning = (
                ExpiryWarning.objects.select_for_update()
                .filter(member=inactive.account.member, last_activity_at=inactive.last_activity_at)
                .first()
            )
            if warning is not None and not _untrue(warning, inactive, now):
                return None
            warning = warning or ExpiryWarning(
                member=inactive.account.member, last_activity_at=inactive.last_activity_at
            )
            warning.expires_at = max(inactive.expires_at, now + warning_period())
            warning.minutes = inactive.account.available
            warning.warned_at = now
            warning.save()
            _tell(warning)
            return warning
    except IntegrityError:
        return None  # warned already by a run at the same moment


def _untrue(warning: ExpiryWarning, inactive: Inactive, now: datetime.datetime) -> bool:
    """Whether a warning sent this period no longer says when the credits expire: the policy
    was lengthened since (a shortened one keeps the day already given), or its day passed more
    than the warning period ago with nothing done."""
    return warning.expires_at < inactive.expires_at or now >= warning.expires_at + warning_period()


def _tell(warning: ExpiryWarning) -> None:
    with in_language_of(warning.member):
        notify(
            member=warning.member,
            kind=NotificationKind.CREDITS_EXPIRING,
            title=ngettext(
                "Your %(credits)s expires on %(day)s",
                "Your %(credits)s expire on %(day)s",
                credits_count(warning.minutes),
            )
            % {
                "credits": credits_words(warning.minutes),
                "day": formats.date_format(timezone.localtime(warning.expires_at)),
            },
            body=_("Use, give or donate them before then, and they stay yours."),
            url=reverse("member-history"),
        )


def _expire_if_due(programme, inactive: Inactive, now: datetime.datetime):
    warning = ExpiryWarning.objects.get(
        member=inactive.account.member, last_activity_at=inactive.last_activity_at
    )
    # On the day the warning names, whatever the hour: the daily run keeps its local time
    # across a clock change, an hour off the warning's own moment in real time, and so expired
    # the credits named for 31 March on 1 April.
    if timezone.localdate(now) < timezone.localdate(warning.expires_at):
        return None
    try:
        expired = _expire_locked(programme, inactive, warning)
    except LedgerConflict as refused:
        # The member spent or booked since the query: that is activity, so nothing expires.
        log.info("expiry of member %s skipped: %s", inactive.account.member_id, refused.code)
        return None
    if expired is not None:
        _tell_expired(warning.member, expired.amount, programme.expiry_months)
    return expired


def _tell_expired(member, minutes: int, months: int) -> None:
    """The day itself: the warning was the only word, and the balance went to nothing."""
    with in_language_of(member):
        notify(
            member=member,
            kind=NotificationKind.CREDITS_EXPIRING,
            title=ngettext(
                "Your %(credits)s has expired",
                "Your %(credits)s have expired",
                credits_count(minutes),
            )
            % {"credits": credits_words(minutes)},
            body=ngettext(
                "Credits not used for %(months)s month expire. Give your time again to earn more.",
                "Credits not used for %(months)s months expire. Give your time again to earn more.",
                months,
            )
            % {"months": months},
            url=reverse("member-history"),
        )


@retry_on_conflict
def _expire_locked(programme, inactive: Inactive, warning: ExpiryWarning):
    """The scan ran a while ago: lock the member's and the expiry account (in id order, as
    every posting does) and look again, so a gift or an earning that arrived meanwhile (new
    activity) stops the expiry."""
    expiry = programme_account(programme=programme, kind=AccountKind.EXPIRY)
    account = accounts_lock([inactive.account.pk, expiry.pk])[inactive.account.pk]
    if (
        account_last_posted_at(account=account) != inactive.last_activity_at
        or account.available <= 0
    ):
        return None
    last_day = timezone.localtime(inactive.last_activity_at).date().isoformat()
    return transfer_post(
        debit=account,
        credit=expiry,
        amount=account.available,
        kind=TransferKind.EXPIRE,
        idempotency_key=f"expire:{inactive.account.member_id}:{last_day}",
        cause_type="expiry_warning",
        cause_id=warning.pk,
        memo=f"Unused for {programme.expiry_months} months",
    )


def expiry_history_load(
    *, programme, account, expires_at: datetime.datetime, warned_at: datetime.datetime
) -> tuple[ExpiryWarning | None, object]:
    """For loading history (the demo data): the warning the daily job would have sent at
    `warned_at` about credits expiring at `expires_at`, and, once that moment has passed, their
    expiry. The ledger dates a transfer when it is posted, so loaded history's last activity on
    the account is its loading; the warning names that activity as the daily job does, and the
    expiry is posted now through the same path (the warning's cause and the same key). Returns
    (the new warning or None if there was one, the expiry transfer or None)."""
    last = account_last_posted_at(account=account)
    warning = _warn(Inactive(account, last, expires_at), warned_at)
    if warning is None or warning.expires_at > timezone.now():
        return warning, None
    return warning, _expire_locked(programme, Inactive(account, last, expires_at), warning)


def expiry_reverse(
    *, actor, programme, transfer_id: int, reason: str = "", idempotency_key: str | None = None
):
    """A programme admin gives a member back credits that expired; once per expiry. The
    caller's key, when given, names the reversal: sending it again returns the same reversal,
    and using it for another expiry is an idempotency conflict."""
    problems = Problems()
    problems.check_text("reason", reason)
    problems.raise_if_any(_("The reason cannot contain control characters."))
    transfer = programme_expiry(programme=programme, transfer_id=transfer_id)
    if transfer is None:
        raise NotAnExpiry()
    return transfer_reverse(
        transfer=transfer,
        idempotency_key=(
            f"expire-reverse:{programme.pk}:{actor.pk}:{idempotency_key}"
            if idempotency_key
            else f"expire-reverse:{transfer.pk}"
        ),
        # No reason, no memo: a statement or history names the reversal in the reader's words.
        memo=(reason or "").strip()[:500],
        posted_by=actor,
    )
