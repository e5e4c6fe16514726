"""Forms for giving, donating and reversing: they render and parse; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Credits, Form, GroupOrPool, GroupsOffered, Token


class _Giving(Form):
    amount = Credits(
        label=_("Credits"),
        min_value=Decimal("0.05"),
        help_text=_("For example 1 or 1.5. One credit is one hour."),
    )
    message = forms.CharField(label=_("Message"), max_length=500, required=False)
    # Made when the form is shown, so submitting it twice moves the credits once.
    token = Token()


class GiftForm(_Giving):
    member_code = forms.CharField(
        label=_("Their member code"),
        max_length=20,
        help_text=_("The 8 letters and numbers on their member card."),
    )
    field_order = ["member_code", "amount", "message"]


class DonationForm(GroupsOffered, _Giving):
    organisation = GroupOrPool(label=_("Donate to"))
    field_order = ["organisation", "amount", "message"]
