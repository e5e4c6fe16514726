"""Forms for offer and redemption pages: a venue's offers, browsing them, codes and passes."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.selectors import approved_programmes
from timecredits.forms import DATE_INPUT, TIME_INPUT, Credits, Form, Rows, Token
from timecredits.members.passes import pass_token_in

from .models import Offer

DAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OfferForm(Form):
    # Made when the form is shown: a double tap on Save, or Back and Save again, adds one offer.
    token = Token(required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=Offer.DESCRIPTION_LIMIT,
    )
    credits = Credits(label=_("Cost in credits"), min_value=Decimal("0.25"), max_digits=6)
    category = forms.ChoiceField(label=_("Category"), choices=Offer.Category.choices)
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=DAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[d for d, _ in DAY_CHOICES],
    )
    # The phone's own time and date pickers, which send the one format these read.
    opens_at = forms.TimeField(label=_("Available from (time)"), required=False, widget=TIME_INPUT)
    closes_at = forms.TimeField(
        label=_("Available until (time)"), required=False, widget=TIME_INPUT
    )
    valid_from = forms.DateField(label=_("First day"), required=False, widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Last day"), required=False, widget=DATE_INPUT)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    capacity_period = forms.ChoiceField(
        label=_("Places per"),
        choices=[("", _("no limit")), ("day", _("day")), ("week", _("week"))],
        required=False,
    )
    member_limit = forms.IntegerField(label=_("Uses per member"), min_value=1, required=False)
    member_limit_period = forms.ChoiceField(
        label=_("Uses per member per"),
        choices=[("", _("no limit")), *Offer.Period.choices],
        required=False,
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Offer.DESCRIPTION_LIMIT,
    )
    programmes = Rows(
        label=_("Members of which programmes may use it"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one programme whose members may use it.")},
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    active = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        approved = approved_programmes(organisation=venue).order_by("name")
        self.fields["programmes"].queryset = approved
        if not self.initial.get("programmes"):
            self.initial["programmes"] = list(approved)

    def offer_values(self, data: dict | None = None) -> dict:
        """The use case's keyword arguments: the offer's values (the form's, or `data`, its
        cleaned data less the token) and its `programme_ids`."""
        data = dict(self.cleaned_data if data is None else data)
        data.pop("token", None)
        data["programme_ids"] = [p.pk for p in data.pop("programmes")]
        data["cost_minutes"] = Credits.minutes(data.pop("credits"))
        data["weekdays"] = data.pop("days")
        if not data["photo"]:
            data.pop("photo")
        return data

    @staticmethod
    def initial_for(offer: Offer) -> dict:
        skip = ("token", "credits", "days", "photo", "programmes")
        fields = [f for f in OfferForm.base_fields if f not in skip]
        return {f: getattr(offer, f) for f in fields} | {
            "credits": offer.cost_minutes / 60,
            "days": offer.weekdays,
            "programmes": list(offer.programmes.all()),
        }


class OfferFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Offer.Category.choices], required=False
    )
    organisation = forms.TypedChoiceField(
        label=_("Venue"), coerce=int, empty_value=None, required=False
    )
    today = forms.BooleanField(label=_("Available today"), required=False)
    affordable = forms.BooleanField(label=_("I have enough credits"), required=False)

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All"))] + [(v.pk, v.name) for v in venues]


class CodeForm(Form):
    code = forms.CharField(
        label=_("Code the member shows"),
        help_text=_("The six characters on the member's offer screen, not the code on their card."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, shown: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if shown:
            # The code on the page, shown with who and what, is the one completed: it is sent
            # as it is, not typed again under it.
            self.fields["code"].widget = forms.HiddenInput()


class ChargeForm(Form):
    pass_token = forms.CharField(
        label=_("Member's pass (scan it, or paste the link)"),
        max_length=600,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    offer = forms.TypedChoiceField(label=_("Offer"), coerce=int)

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [(o.pk, o.title) for o in offers]

    def token(self) -> str:
        return pass_token_in(self.cleaned_data["pass_token"])
