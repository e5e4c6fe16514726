"""Forms for programme admins."""

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form, GroupsOffered, Token

from .models import Programme


class PolicyForm(Form):
    minutes_per_credit = forms.IntegerField(label=_("Minutes of time for one credit"), min_value=1)
    rounding_minutes = forms.TypedChoiceField(
        label=_("Round time given to"),
        choices=Programme._meta.get_field("rounding_minutes").choices,
        coerce=int,
    )
    daily_cap_minutes = forms.IntegerField(
        label=_("Most minutes a member can earn in a day"),
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
