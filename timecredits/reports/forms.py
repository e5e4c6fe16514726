"""The report page's period picker and filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.selectors import programme_organisations
from timecredits.activities.selectors import ActivityType
from timecredits.errors import Invalid
from timecredits.forms import DATE_INPUT

from .outputs.selectors.figures import DEMOGRAPHICS
from .periods import check_period, month_bounds, quarter_bounds

DEMOGRAPHIC_LABELS = {
    "age_band": _("Age band"),
    "gender": _("Gender"),
    "ethnicity": _("Ethnicity"),
    "disability": _("Disability or long-term condition"),
    "employment_status": _("Employment status"),
}


class OutputsForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("month", _("Month")), ("quarter", _("Quarter")), ("custom", _("Custom dates"))],
        initial="month",
    )
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        required=False,
        help_text="2026-03",
        # A phone offers its month picker; a browser without one takes the text as before.
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    quarter = forms.RegexField(
        label=_("Quarter"), regex=r"^\d{4}-Q[1-4]$", required=False, help_text="2026-Q1"
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    # The programme's organisations, set when the form is made.
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    activity_type = forms.ChoiceField(
        label=_("Activity type"),
        choices=[("", _("All")), *ActivityType.choices],
        required=False,
    )
    area = forms.CharField(label=_("Area (postcode district)"), max_length=8, required=False)
    # What the report is asked to filter on besides the period and the organisation.
    filters = ("activity_type", "area")
    by_demographics = True

    def __init__(self, data, *, programme=None):
        """`programme` (or its id) offers its organisations to filter on; without one (an
        organisation's own report) there is no organisation to choose."""
        super().__init__(data)
        if programme is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = programme_organisations(programme=programme)
        self.fields["month"].initial = timezone.localdate().strftime("%Y-%m")
        for name, answers in DEMOGRAPHICS.items() if self.by_demographics else ():
            self.fields[name] = forms.ChoiceField(
                label=DEMOGRAPHIC_LABELS[name],
                choices=[("", _("All")), *answers.choices],
                required=False,
                help_text=_("Counts only members who consent to reports."),
            )

    def clean(self):
        data = super().clean()
        period = data.get("period") or "month"
        try:
            if period == "month":
                data["bounds"] = month_bounds(
                    data.get("month") or timezone.localdate().strftime("%Y-%m")
                )
            elif period == "quarter":
                data["bounds"] = quarter_bounds(data.get("quarter") or "")
            elif data.get("start") and data.get("end"):
                data["bounds"] = (data["start"], data["end"])
            else:
                raise ValueError(period)
        except ValueError:
            raise forms.ValidationError(_("Choose a month, a quarter, or both dates.")) from None
        try:
            check_period(*data["bounds"])
        except Invalid as refused:  # said on the form, its filters kept, not on an error page
            # At the field the period was chosen with: a month of 1999 is the month's fault.
            field = period if period in ("month", "quarter") else "end"
            self.add_error(field, refused.message)
        return data


class ValuationForm(OutputsForm):
    """The same period and filters, less activity type: outcomes are not measured per activity."""

    activity_type = None
    filters = ("area",)
    by_demographics = False
