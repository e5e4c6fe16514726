"""Forms for organisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form, Token

from .models import StaffMembership


class OrganisationForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What you do"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact_email = forms.CharField(
        label=_("Contact email"), max_length=254, required=False, widget=forms.EmailInput()
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=8, required=False)
    area = forms.CharField(label=_("Area"), max_length=200, required=False)


class OrganisationSettingsForm(OrganisationForm):
    """An organisation's settings page: its details, and how its check-ins are approved."""

    auto_approve_checkins = forms.BooleanField(
        label=_("Approve QR check-ins automatically"),
        help_text=_(
            "Time from a QR scan inside the session's window is approved when the member "
            "checks out, with no one verifying it. Time added by hand, sent late or flagged "
            "still waits for you."
        ),
        required=False,
    )


class InvitationForm(Form):
    """Offers the roles the organisation has (a community group has no till, so no venue
    staff), the one that can do least that runs its work first."""

    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput())
    role = forms.ChoiceField(label=_("Role"), choices=StaffMembership.Role.choices)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(StaffMembership.Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]
        # Only the roles offered: a group's admins read of no till.
        self.fields["role"].help_text = (
            _(
                "Coordinators run sessions and verify time; venue staff take codes at the till; "
                "organisation admins can also change these details and invite staff."
            )
            if {StaffMembership.Role.COORDINATOR, StaffMembership.Role.VENUE_STAFF} <= set(roles)
            else _(
                "Coordinators run sessions and verify time; organisation admins can also change "
                "these details and invite staff."
            )
            if StaffMembership.Role.COORDINATOR in roles
            else _(
                "Venue staff take codes at the till; organisation admins can also change these "
                "details and invite staff."
            )
        )
        # Not, unasked, the role that can do most.
        self.fields["role"].initial = next(
            (r for r in roles if r != StaffMembership.Role.ORG_ADMIN), roles[0]
        )


class AssistedRegistrationForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone (landline is fine)"), max_length=30, required=False)
    email = forms.CharField(
        label=_("Email"), max_length=254, required=False, widget=forms.EmailInput()
    )
    terms_agreed = forms.BooleanField(
        label=_("I have gone through the terms of use with them, and they agreed to them"),
        required=False,
    )
    reports_consent = forms.BooleanField(
        label=_("They agree to be counted, anonymously, in reports"), required=False
    )
    surveys_consent = forms.BooleanField(
        label=_("They agree to be asked to take surveys"), required=False
    )
    # Made when the form is shown: a double tap on "Register" registers one person.
    token = Token(required=False)
