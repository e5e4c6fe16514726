"""Why an offer or a redemption was refused, in words a volunteer or venue can act on.

Each has a stable code for the API; the web pages show the message.
"""

from django.utils.translation import gettext_lazy as _

from timecredits.errors import Conflict, Invalid, NotFound


class NotAVenue(Invalid):
    code = "not_a_venue"
    message = _("Only a venue that accepts credits can publish offers.")


class OfferInvalid(Invalid):
    code = "offer_invalid"
    message = _("Some details of the offer need another look.")


class OfferNotFound(NotFound):
    code = "offer_not_found"
    message = _("That offer is not available.")


class OfferUnavailable(Conflict):
    code = "offer_unavailable"
    message = _("This offer is not available at the moment.")


class OutsideValidDates(Conflict):
    code = "outside_valid_dates"
    message = _("This offer is not running on this date.")


class NotAvailableToday(Conflict):
    code = "not_available_today"
    message = _("This offer is not available on this day of the week.")


class OutsideOpeningTimes(Conflict):
    code = "outside_opening_times"
    message = _("This offer is not available at this time of day.")


class PriceChanged(Conflict):
    code = "price_changed"
    message = _("The price of this offer has changed. Check it, then get a code again.")


class OfferFull(Conflict):
    code = "offer_full"
    message = _("All the places for this offer have gone for now. Please try another time.")


class MemberLimitReached(Conflict):
    code = "member_limit_reached"
    message = _("You have used this offer as many times as it allows for now.")


class NotEligible(Conflict):
    code = "not_eligible"
    message = _("This offer is not open to members of your programme.")


class InsufficientCredit(Conflict):
    code = "insufficient_credit"
    message = _("You do not have enough credits for this offer.")


class AccountClosed(Conflict):
    code = "account_closed"
    message = _("This account is closed, so credits cannot be spent from it or paid into it.")


class RedemptionNotFound(NotFound):
    code = "redemption_not_found"
    message = _("We could not find that code. Check the letters and numbers and try again.")


class WrongVenue(Conflict):
    code = "wrong_venue"
    message = _("This code is for another venue and cannot be used here.")


class RedemptionExpired(Conflict):
    code = "redemption_expired"
    message = _("This code has expired and its credits have been given back. Ask for a new code.")


class RedemptionCancelled(Conflict):
    code = "redemption_cancelled"
    message = _("This code was cancelled and its credits have been given back.")


class RedemptionCompleted(Conflict):
    code = "redemption_completed"
    message = _("This code has already been used.")

    # Said with when (`at`): staff at a second till must not hand the service over again.
    when_today = _("This code was already used at %(time)s. Nothing more was taken.")
    when_another_day = _("This code was already used on %(day)s at %(time)s.")
