"""Forms for members' own pages; they render fields and carry input to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form, GroupOrPool

from .models import Member


def _choices(choices):
    return [("", _("Not answered")), *choices]


class DemographicsForm(Form):
    age_band = forms.ChoiceField(
        label=_("Age"), choices=_choices(Member.AgeBand.choices), required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=_choices(Member.Gender.choices), required=False
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"), choices=_choices(Member.Ethnicity.choices), required=False
    )
    disability = forms.ChoiceField(
        label=_("Do you have a disability or long-term health condition?"),
        choices=_choices(Member.YesNo.choices),
        required=False,
    )
    employment_status = forms.ChoiceField(
        label=_("Work"), choices=_choices(Member.Employment.choices), required=False
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        help_text=_("We keep only the first half (like CF10) for reports about areas."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}
        ),
    )


class ProfileForm(Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_("You can sign in with your email or your phone number."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class ConsentsForm(Form):
    reports = forms.BooleanField(
        label=_("Count my activity, anonymously, in reports to the programme's funders"),
        required=False,
    )
    surveys = forms.BooleanField(label=_("Invite me to short wellbeing surveys"), required=False)


class CloseForm(Form):
    donate_to = GroupOrPool(label=_("Where should your remaining credits go?"))
    confirm = forms.BooleanField(
        label=_("I understand that closing my account cannot be undone"), required=False
    )

    def __init__(self, *args, pools, **kwargs):
        """`pools`: the groups of the member's programme (a queryset of organisations)."""
        super().__init__(*args, **kwargs)
        self.fields["donate_to"].queryset = pools


class SignUpForm(ProfileForm):
    password = forms.CharField(
        label=_("Choose a password"),
        help_text=_("At least 10 characters. A few unusual words together work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_to_volunteering = forms.TypedChoiceField(
        label=_("Is this your first time volunteering?"),
        choices=[("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    accept_terms = forms.BooleanField(label=_("I agree to the terms of use"), required=False)
    reports_consent = ConsentsForm.base_fields["reports"]
    surveys_consent = ConsentsForm.base_fields["surveys"]
