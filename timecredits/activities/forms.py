"""Forms for coordinators' pages, and a member's claim for time at a past session."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form

from .models import Activity, Session


class ActivityForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type of activity"), choices=Activity.Type.choices)
    category = forms.CharField(
        label=_("Category"),
        max_length=100,
        required=False,
        help_text=_("For example food, environment, health."),
    )


class SessionForm(Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    credit_rule = forms.ChoiceField(label=_("Credits"), choices=Session.CreditRule.choices)
    fixed_minutes = forms.IntegerField(
        label=_("Fixed minutes per person"),
        min_value=1,
        required=False,
        help_text=_("Only for a fixed amount per session."),
    )
    repeat_every_weeks = forms.TypedChoiceField(
        label=_("Repeat"),
        choices=[("", _("Does not repeat")), ("1", _("Every week")), ("2", _("Every two weeks"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    repeat_count = forms.IntegerField(
        label=_("How many sessions"), min_value=1, max_value=52, initial=1
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(organisation=organisation)


class DecisionForm(Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AttendanceForm(Form):
    member_codes = forms.CharField(
        label=_("Member codes"),
        widget=forms.Textarea(attrs={"rows": 4, "autocapitalize": "characters"}),
        help_text=_("As printed on member cards: one a line, or separated by commas."),
    )
    minutes = forms.IntegerField(
        label=_("Minutes each"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty for the whole session."),
    )

    def clean_member_codes(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["member_codes"]) if code]
        if not codes:
            raise forms.ValidationError(_("Enter at least one member code."))
        if len(codes) > 500:
            raise forms.ValidationError(_("Enter at most 500 member codes at a time."))
        return codes


class UnapproveForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
