"""Spending credits at a venue: a member's redemption, its completion or release, and a venue
charging a member's pass.

The rules, and where they hold:

- capacity per period and each member's limit are counted with the offer's row locked
  (`select_for_update(no_key=True)`), so redemptions of one offer queue and none can overbook;
- the credits are reserved by a ledger hold from the member to the venue, so the member's floor
  (a database CHECK) makes a double spend impossible across offers too;
- a live code is unique (a partial unique index); completing posts the hold once, as a `spend`;
- every refusal is raised inside the transaction, so nothing it started is kept.

A redemption counts against capacity while it is held and unexpired, and once completed.
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ledger import errors as ledger_errors
from ledger.selectors import member_account, organisation_account, transfer_by_key
from timecredits.credits.services.spending import (
    spend_capture,
    spend_expire,
    spend_hold,
    spend_release,
)
from timecredits.db import retry_on_conflict
from timecredits.errors import DomainError, NotFound
from timecredits.members.passes import check_pass_version, read_pass_token
from timecredits.members.selectors import member_get_or_none
from timecredits.notifications.services import in_language_of, notify
from timecredits.ratelimit import rate_limit
from timecredits.templatetags.credits import credits_words

from ..errors import (
    AccountClosed,
    InsufficientCredit,
    MemberLimitReached,
    NotAvailableToday,
    NotEligible,
    OfferFull,
    OfferUnavailable,
    OutsideOpeningTimes,
    OutsideValidDates,
    PriceChanged,
    RedemptionCancelled,
    RedemptionCompleted,
    RedemptionExpired,
    RedemptionNotFound,
    WrongVenue,
)
from ..models import Offer, Redemption
from ..tokens import new_redemption_code, normalise_code

if TYPE_CHECKING:
    from timecredits.members.models import Member

REDEMPTIONS_PER_MINUTE = 30
# The notifications app's kind for a booking's news (used, or run out).
REDEMPTION_NOTICE = "redemption_confirmed"


def hold_timeout() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.REDEMPTION_HOLD_MINUTES)


def period_start(moment: datetime.datetime, period: str) -> datetime.datetime:
    """The local midnight a day, a week (from Monday) or a month began."""
    day = timezone.localtime(moment).date()
    if period == Offer.Period.WEEK:
        day -= datetime.timedelta(days=day.weekday())
    elif period == Offer.Period.MONTH:
        day = day.replace(day=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counted(*, offer: Offer, now: datetime.datetime):
    """The offer's redemptions that take a place: completed, or held and not yet expired."""
    return Redemption.objects.filter(offer=offer).filter(
        Q(status=Redemption.Status.COMPLETED) | Q(status=Redemption.Status.HELD, expires_at__gt=now)
    )


def check_available(offer: Offer, now: datetime.datetime) -> None:
    if not offer.active or not offer.organisation.accepts_credits:
        raise OfferUnavailable()
    local = timezone.localtime(now)
    dates = {"valid_from": offer.valid_from, "valid_until": offer.valid_until}
    if offer.valid_from and local.date() < offer.valid_from:
        raise OutsideValidDates(
            _("This offer starts on %(day)s.") % {"day": date_format(offer.valid_from, "l j F Y")},
            detail=dates,
        )
    if offer.valid_until and local.date() > offer.valid_until:
        raise OutsideValidDates(
            _("This offer ended on %(day)s.") % {"day": date_format(offer.valid_until, "l j F Y")},
            detail=dates,
        )
    if not offer.open_on(local.weekday()):
        raise NotAvailableToday(detail={"days": offer.weekdays})
    if offer.opens_at is not None and not offer.opens_at <= local.time() < offer.closes_at:
        raise OutsideOpeningTimes(
            _("This offer is available between %(opens_at)s and %(closes_at)s.")
            % {"opens_at": f"{offer.opens_at:%H:%M}", "closes_at": f"{offer.closes_at:%H:%M}"},
            detail={"opens_at": offer.opens_at, "closes_at": offer.closes_at},
        )


def _check_eligible(offer: Offer, member: "Member") -> None:
    if member.closed_at is not None:
        raise AccountClosed(_("This member's account is closed."))
    if not offer.programmes.filter(pk=member.programme_id).exists():
        raise NotEligible()


def _check_counts(offer: Offer, member: "Member", now: datetime.datetime) -> None:
    """Call with the offer's row locked: the counts cannot change until this one commits."""
    taking = counted(offer=offer, now=now)
    if offer.capacity is not None:
        used = taking.filter(created_at__gte=period_start(now, offer.capacity_period)).count()
        if used >= offer.capacity:
            raise OfferFull(detail={"capacity": offer.capacity, "per": offer.capacity_period})
    if offer.member_limit is not None:
        used = taking.filter(
            member=member, created_at__gte=period_start(now, offer.member_limit_period)
        ).count()
        if used >= offer.member_limit:
            raise MemberLimitReached(
                ngettext(
                    "Each member can use this offer once %(period)s, and you already have.",
                    "Each member can use this offer %(limit)s times %(period)s, and you already "
                    "have.",
                    offer.member_limit,
                )
                % {"limit": offer.member_limit, "period": offer.get_member_limit_period_display()},
                detail={"limit": offer.member_limit, "per": offer.member_limit_period},
            )


def _replayed(key: str, *, offer: Offer, member: "Member") -> Redemption | None:
    existing = Redemption.objects.filter(idempotency_key=key).first()
    if existing is not None and (existing.offer_id, existing.member_id) != (offer.pk, member.pk):
        raise ledger_errors.IdempotencyConflict(detail={"idempotency_key": key})
    return existing


def _insert(offer: Offer, member: "Member", *, method: str, key: str, now) -> Redemption:
    """Insert at the offer's cost, with a fresh code; a clash with a live code (one in a billion)
    draws again."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Redemption.objects.create(
                    code=new_redemption_code(),
                    offer=offer,
                    organisation_id=offer.organisation_id,
                    member=member,
                    method=method,
                    cost_minutes=offer.cost_minutes,
                    idempotency_key=key,
                    created_at=now,
                    expires_at=now + hold_timeout(),
                )
        except IntegrityError as clash:
            if "idempotency_key" in str(clash):
                # The same key, sent at once for another offer, committed first: that offer's
                # lock did not queue this request behind it, so _replayed could not see it.
                raise ledger_errors.IdempotencyConflict(detail={"idempotency_key": key}) from clash
    raise AssertionError("could not draw a free redemption code")


def _hold(redemption: Redemption, member: "Member", offer: Offer, posted_by):
    """The ledger hold from the member to the venue, with the refusals said for a volunteer."""
    debit = member_account(member=member)
    credit = organisation_account(organisation=offer.organisation)
    if debit.closed_at is not None:
        raise AccountClosed(_("This member's account is closed, so it cannot spend credits."))
    if credit.closed_at is not None:
        raise AccountClosed(_("This venue is not accepting credits at the moment."))
    try:
        return spend_hold(
            redemption=redemption,
            debit=debit,
            credit=credit,
            timeout=hold_timeout(),
            posted_by=posted_by,
        )
    except ledger_errors.InsufficientCredit as short:
        raise InsufficientCredit(
            detail={"cost": redemption.cost_minutes, "available": debit.available}
        ) from short
    except ledger_errors.AccountClosed as closed:
        raise AccountClosed() from closed


def redeem_refusal(offer: Offer, member: "Member", now: datetime.datetime) -> DomainError | None:
    """Why a code for the offer cannot be had now, for its page (what redeeming would refuse,
    read without the lock), or None."""
    try:
        _check_eligible(offer, member)
        check_available(offer, now)
        _check_counts(offer, member, now)
    except DomainError as refusal:
        return refusal
    return None


def _redeem(*, member, offer, key, method, actor, expected_cost=None) -> tuple[Redemption, bool]:
    """The shared path: checks under the offer's lock, then the hold. Returns (redemption, new).
    `expected_cost`, the cost the member was shown, must still be the offer's."""
    existing = _replayed(key, offer=offer, member=member)
    if existing is not None:
        return existing, False
    offer = Offer.objects.select_for_update(no_key=True).get(pk=offer.pk)
    existing = _replayed(key, offer=offer, member=member)  # it may have committed as we waited
    if existing is not None:
        return existing, False
    if expected_cost is not None and expected_cost != offer.cost_minutes:
        raise PriceChanged(
            _("The price changed to %(cost)s since you looked. Check it, then get a code again.")
            % {"cost": credits_words(offer.cost_minutes)},
            detail={"cost_minutes": offer.cost_minutes, "shown": expected_cost},
        )
    now = timezone.now()
    _check_eligible(offer, member)
    check_available(offer, now)
    _check_counts(offer, member, now)
    redemption = _insert(offer, member, method=method, key=key, now=now)
    redemption.hold = _hold(redemption, member, offer, actor)
    redemption.expires_at = redemption.hold.expires_at
    redemption.save(update_fields=["hold", "expires_at"])
    return redemption, True


@retry_on_conflict
def redemption_create(
    *, member: "Member", offer: Offer, idempotency_key: str, expected_cost: int | None = None
) -> tuple[Redemption, bool]:
    """A member picks an offer: their credits are held and they get a code to show the venue.
    Replaying the same key returns the same redemption (and False). With `expected_cost` (what
    the member was shown), a price changed since is refused rather than charged."""
    rate_limit(f"redeem:{member.pk}", limit=REDEMPTIONS_PER_MINUTE, period=60)
    return _redeem(
        member=member,
        offer=offer,
        key=f"member:{member.pk}:{idempotency_key}",
        method=Redemption.Method.CODE,
        actor=member.user,
        expected_cost=expected_cost,
    )


def _complete(redemption: Redemption, *, actor, key: str) -> Redemption:
    try:
        spend_capture(redemption=redemption, posted_by=actor)
    except ledger_errors.HoldExpired as expired:
        raise RedemptionExpired() from expired
    except ledger_errors.AccountClosed as closed:
        raise AccountClosed() from closed
    redemption.status = Redemption.Status.COMPLETED
    redemption.completed_at = timezone.now()
    redemption.completed_by = actor
    redemption.completion_key = key
    redemption.save(update_fields=["status", "completed_at", "completed_by", "completion_key"])
    with in_language_of(redemption.member):
        notify(
            member=redemption.member,
            kind=REDEMPTION_NOTICE,
            title=_("%(offer)s at %(venue)s: %(credits)s spent")
            % {
                "offer": redemption.offer.title,
                "venue": redemption.organisation.name,
                "credits": credits_words(redemption.cost_minutes),
            },
            url=reverse("my-redemption", args=[redemption.pk]),
        )
    return redemption


def _find_for_venue(venue, code: str) -> Redemption:
    """The redemption a code names, locked: a live one first, then the newest."""
    code = normalise_code(code)
    found = list(
        Redemption.objects.select_for_update(no_key=True, of=("self",))
        .filter(code=code)
        .order_by("-created_at", "-pk")[:20]
    )
    if not found:
        raise RedemptionNotFound(detail={"code": code})
    live = [r for r in found if r.status == Redemption.Status.HELD]
    here = [r for r in found if r.organisation_id == venue.pk]
    redemption = next((r for r in live if r.organisation_id == venue.pk), None)
    redemption = redemption or (live[0] if live else None) or (here[0] if here else found[0])
    if redemption.organisation_id != venue.pk:
        raise WrongVenue(
            _("This code is for %(venue)s, so it cannot be used here.")
            % {"venue": redemption.organisation.name},
            detail={"code": code, "venue": redemption.organisation.name},
        )
    return redemption


def _expire_now(redemption: Redemption) -> None:
    """The code is past its time: release its hold and mark it expired, committed even though
    the request that found it is refused."""
    _expire_one(redemption.pk, now=timezone.now())


@retry_on_conflict
def _expire_one(redemption_id: int, *, now: datetime.datetime) -> bool:
    redemption = (
        Redemption.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk=redemption_id, status=Redemption.Status.HELD, expires_at__lte=now)
        .select_related("hold")
        .first()
    )
    if redemption is None:  # completed, cancelled or expired meanwhile
        return False
    spend_expire(hold=redemption.hold)  # replays the ledger job's time-out if it came first
    redemption.status = Redemption.Status.EXPIRED
    redemption.save(update_fields=["status"])
    with in_language_of(redemption.member):
        notify(
            member=redemption.member,
            kind=REDEMPTION_NOTICE,
            title=_("Your code for %(offer)s ran out; your credits are free again")
            % {"offer": redemption.offer.title},
            url=reverse("my-redemption", args=[redemption.pk]),
        )
    return True


def redemption_complete(*, actor, venue, code: str, idempotency_key: str) -> Redemption:
    """Venue staff typed or scanned a code: the hold posts as a spend. Completing a completed
    code again under the same key returns it unchanged; under another key it is refused as
    used, with when; an expired, cancelled or other venue's code is refused."""
    rate_limit(f"redeem-venue:{actor.pk}", limit=120, period=60)
    found = []
    try:
        return _complete_found(venue, code, actor=actor, key=idempotency_key, found=found)
    except RedemptionExpired:
        if found:
            _expire_now(found[-1])
        raise


@retry_on_conflict
def _complete_found(venue, code: str, *, actor, key: str, found: list) -> Redemption:
    """Complete the code's redemption; `found` gets it, for the caller to expire once this
    transaction is rolled back."""
    redemption = _find_for_venue(venue, code)
    found.append(redemption)
    if redemption.status == Redemption.Status.COMPLETED:
        # The same request again (a double tap, a retry) is told it is done; another till's,
        # or a later scan's, that the code was used, so the service is not handed over twice.
        if redemption.completion_key == key:
            return redemption
        raise RedemptionCompleted.at(
            redemption.completed_at,
            detail={"completed_at": redemption.completed_at.isoformat()},
        )
    if redemption.status == Redemption.Status.CANCELLED:
        raise RedemptionCancelled()
    if redemption.status == Redemption.Status.EXPIRED:
        raise RedemptionExpired()
    if redemption.expires_at <= timezone.now():
        raise RedemptionExpired()
    return _complete(redemption, actor=actor, key=key)


def redemption_cancel(
    *, member: "Member", code: str, idempotency_key: str | None = None
) -> Redemption:
    """The member changes their mind: the hold is voided and the credits are free again.
    Cancelling a cancelled code returns it unchanged. The caller's key, when given, names the
    release in the ledger, so using it again for another code is an idempotency conflict."""
    code = normalise_code(code)
    found = []
    try:
        return _cancel_found(member, code, idempotency_key=idempotency_key, found=found)
    except RedemptionExpired:
        if found:
            _expire_now(found[-1])
        raise


@retry_on_conflict
def _cancel_found(
    member: "Member", code: str, *, idempotency_key: str | None, found: list
) -> Redemption:
    """Cancel the member's redemption with this code; `found` gets it, for the caller to expire
    once this transaction is rolled back."""
    redemption = (
        Redemption.objects.select_for_update(no_key=True)
        .filter(member=member, code=code)
        .order_by("-created_at", "-pk")
        .first()
    )
    if redemption is None:
        raise RedemptionNotFound(detail={"code": code})
    found.append(redemption)
    key = f"redemption:{redemption.pk}:cancel"
    if idempotency_key:
        key = f"redemption-cancel:{member.pk}:{idempotency_key}"
        used = transfer_by_key(idempotency_key=key)
        if used is not None and used.pending_id != redemption.hold_id:
            raise ledger_errors.IdempotencyConflict(detail={"idempotency_key": idempotency_key})
    if redemption.status == Redemption.Status.CANCELLED:
        return redemption
    if redemption.status == Redemption.Status.COMPLETED:
        raise RedemptionCompleted(_("This code has already been used, so it cannot be cancelled."))
    if redemption.status == Redemption.Status.EXPIRED:
        raise RedemptionExpired(_("This code has already expired and its credits are back."))
    try:
        spend_release(hold=redemption.hold, idempotency_key=key, posted_by=member.user)
    except ledger_errors.HoldResolved as resolved:  # it timed out a moment ago
        raise RedemptionExpired(
            _("This code has already expired and its credits are back.")
        ) from resolved
    redemption.status = Redemption.Status.CANCELLED
    redemption.cancelled_at = timezone.now()
    redemption.save(update_fields=["status", "cancelled_at"])
    return redemption


@retry_on_conflict
def redemption_charge_pass(
    *, actor, venue, offer: Offer, pass_token: str, idempotency_key: str
) -> tuple[Redemption, bool]:
    """Venue staff scanned a member's card or phone and charge an offer at once: the same
    checks as a member's redemption, then the hold is posted in the same transaction."""
    rate_limit(f"redeem-venue:{actor.pk}", limit=120, period=60)
    if offer.organisation_id != venue.pk:
        raise WrongVenue(_("This offer belongs to another venue."))
    ticket = read_pass_token(pass_token, now=timezone.now())
    member = member_get_or_none(member_id=ticket.member_id)
    if member is None:
        raise NotFound(_("This member was not found."), code="member_not_found")
    if member.closed_at is not None:
        raise AccountClosed(_("This member's account is closed."))
    check_pass_version(ticket, member.pass_version)
    redemption, created = _redeem(
        member=member,
        offer=offer,
        key=f"venue:{venue.pk}:{actor.pk}:{idempotency_key}",
        method=Redemption.Method.PASS,
        actor=actor,
    )
    if created:
        _complete(redemption, actor=actor, key=idempotency_key)
    return redemption, created


def redemptions_expire(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """The scheduled job: release the hold of every code past its time and mark it expired,
    each in its own transaction; safe to run twice and alongside the ledger's own job."""
    now = now or timezone.now()
    due = Redemption.objects.filter(status=Redemption.Status.HELD, expires_at__lte=now)
    ids = list(due.order_by("expires_at").values_list("pk", flat=True)[:limit])
    return sum(_expire_one(pk, now=now) for pk in ids)
