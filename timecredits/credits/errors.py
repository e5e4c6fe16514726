"""Why a gift, donation, statement or expiry reversal was refused, in words a volunteer understands.

Each error has a stable code for the API; `api/errors.py` maps the family to its HTTP status.
"""

from django.utils.translation import gettext_lazy as _

from timecredits.errors import Conflict, Invalid, NotFound


class RecipientNotFound(NotFound):
    code = "recipient_not_found"
    message = _("No member has that code. Check the code on their card and try again.")


class GiftToSelf(Invalid):
    code = "gift_to_self"
    message = _("You cannot give credits to yourself.")


class RecipientInOtherProgramme(Invalid):
    code = "recipient_other_programme"
    message = _("That member is in another programme, so you cannot give them credits.")


class CreditsOnHold(Conflict):
    code = "credits_on_hold"
    message = _(
        "Some of your credits are on hold for a booking. Use or cancel it, then close your account."
    )


class RecipientClosed(Conflict):
    code = "recipient_closed"
    message = _("That member has closed their account, so they cannot receive credits.")


class OrganisationNotEligible(Invalid):
    code = "organisation_not_eligible"
    message = _("Choose an approved group in your programme.")


class AmountInvalid(Invalid):
    code = "invalid_amount"
    message = _("Give at least one minute of credit, in whole minutes.")


class NotEnoughCredits(Conflict):
    """The ledger's floor refused it; the same stable code as the ledger's own error."""

    code = "insufficient_credit"
    message = _("You do not have that many credits to give.")


class DailyGiftLimit(Conflict):
    code = "daily_gift_limit"
    message = _("That is more than you can give in one day.")


class ReasonMissing(Invalid):
    code = "reason_missing"
    message = _("Say what the credits are for.")


class NotAnExpiry(NotFound):
    code = "expiry_not_found"
    message = _("There is no such expiry in this programme.")


class MonthInvalid(Invalid):
    code = "invalid_month"
    message = _("Give a month from 2000 to 2099 as YYYY-MM, for example 2026-03.")


class NotAVenue(Invalid):
    code = "not_a_venue"
    message = _("Only a venue that accepts credits has a statement.")
