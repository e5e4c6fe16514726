"""Forms for programme admins."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form, GroupsOffered, Hours, Token

from .models import Programme

# What the policy's times may be, in hours: from a minute to a day (as the service holds them).
A_MINUTE, A_DAY = Decimal("0.01"), 24


class PolicyForm(Form):
    """The credit policy in hours, as people count time; the programme keeps minutes."""

    minutes_per_credit = Hours(
        label=_("Hours given for one credit"),
        min_value=A_MINUTE,
        max_value=A_DAY,
        help_text=_("Usually 1: an hour given earns one credit."),
    )
    rounding_minutes = forms.TypedChoiceField(
        label=_("Round time given to"),
        choices=Programme._meta.get_field("rounding_minutes").choices,
        coerce=int,
    )
    daily_cap_minutes = Hours(
        label=_("Most hours a member can earn in a day"),
        min_value=A_MINUTE,
        max_value=A_DAY,
        required=False,
        help_text=_("Leave blank for no limit."),
    )
    expiry_months = forms.IntegerField(
        label=_("Credits expire after this many months without activity"),
        required=False,
        help_text=_("Leave blank if credits never expire."),
    )
    report_threshold = forms.IntegerField(
        label=_("Smallest count shown in reports"),
        help_text=_("Counts below this are hidden so nobody can be identified."),
    )


class AllocationForm(GroupsOffered, Form):
    organisation = forms.ModelChoiceField(label=_("Group"), queryset=None)
    credits = forms.IntegerField(label=_("Credits"), min_value=1)
    reason = forms.CharField(label=_("What they are for"), max_length=500)
    # Generated when the form is shown, so submitting it twice allocates once.
    token = Token()


class PopulationForm(Form):
    file = forms.FileField(
        label=_("Population figures (CSV)"),
        help_text=_(
            "First line: area,age_band,population,source. Leave age_band blank for all ages; "
            "source is optional. The new file replaces every figure imported before."
        ),
    )
