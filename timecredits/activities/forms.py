"""Forms for coordinators' pages, and a member's claim for time at a past session."""

import re
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from timecredits.forms import DATE_INPUT, TIME_INPUT, Form, Hours, Token

from .models import Activity, Session


def _optional(field, label, hint, **options):
    """A field that may be left empty, with a hint saying what goes in it."""
    return field(label=label, required=False, help_text=hint, **options)


class _LocalDateTime(forms.DateTimeField):
    """A date and time on the phone's picker, read in the programme's time zone."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as refused:
            if refused.code != "ambiguous_timezone":
                raise
            # Django's own words name the time zone and call it ambiguous; say why in plain words.
            raise forms.ValidationError(
                _(
                    "The clocks change at that time, so it happens twice or not at all that "
                    "night. Choose a time before 1am or after 2am."
                ),
                code="clocks_change",
            ) from refused


def _date_and_time(label):
    return _LocalDateTime(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ActivityForm(Form):
    # Made when the form is shown: a double tap adds one activity.
    token = Token(required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type of activity"), choices=Activity.Type.choices)
    category = _optional(
        forms.CharField, _("Category"), _("For example food, environment, health."), max_length=100
    )


class SessionForm(Form):
    # Made when the form is shown: a double tap adds the sessions once.
    token = Token(required=False)
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    starts_at = _date_and_time(_("Starts"))
    ends_at = _date_and_time(_("Ends"))
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    credit_rule = forms.ChoiceField(label=_("Credits"), choices=Session.CreditRule.choices)
    fixed_minutes = _optional(
        Hours,
        _("Fixed hours per person"),
        _("Only for a fixed amount per session. For example 1.5 for an hour and a half."),
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

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(organisation_id=organisation_id)


class SessionFilterForm(Form):
    """The sessions list's filters (a GET form): which list, dates, activity, and the page."""

    when = forms.ChoiceField(
        choices=[(w, w) for w in ("upcoming", "past", "waiting")],
        required=False,
        widget=forms.HiddenInput,
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    # Any id: the list shows only the organisation's sessions, so another's activity shows none.
    activity = forms.IntegerField(
        label=_("Activity"), min_value=1, required=False, widget=forms.Select
    )
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def show_activities(self, activities) -> None:
        """The organisation's activities to choose from, once the page has loaded them."""
        self.fields["activity"].widget.choices = [("", _("All activities"))] + [
            (a.pk, a.title) for a in activities
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Choose a date on or after the first one."))
        return data


class DecisionForm(Form):
    """A decision on the queue (approve or reject: nothing else is taken for either), the hours
    as the coordinator sees them (or, from older pages and scripts, `minutes`), and the reason a
    change or a rejection needs."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        error_messages={
            "required": _("Choose approve or reject."),
            "invalid_choice": _("Choose approve or reject."),
        },
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_digits=5, decimal_places=2, required=False
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("hours") is not None:
            data["minutes"] = int((data["hours"] * 60).quantize(Decimal(1), ROUND_HALF_UP))
        return data


class AttendanceForm(Form):
    member_codes = forms.CharField(
        label=_("Member codes"),
        widget=forms.Textarea(attrs={"rows": 4, "autocapitalize": "characters"}),
        help_text=_("As printed on member cards: one a line, or separated by commas."),
    )
    minutes = Hours(
        label=_("Hours each"),
        required=False,
        help_text=_(
            "For example 1.5 for an hour and a half. The whole session, unless they stayed less."
        ),
    )

    def __init__(self, *args, fixed: bool = False, **kwargs):
        """`fixed`: the session earns a fixed amount each, so there are no hours to give."""
        super().__init__(*args, **kwargs)
        if fixed:
            del self.fields["minutes"]

    def clean_member_codes(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["member_codes"]) if code]
        if not codes:
            raise forms.ValidationError(_("Enter at least one member code."))
        if len(codes) > 500:
            raise forms.ValidationError(_("Enter at most 500 member codes at a time."))
        return codes


class UnapproveForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


def session_label(session: Session) -> str:
    when = date_format(timezone.localtime(session.starts_at), "D j M, H:i")
    return f"{session.activity.title} · {session.activity.organisation.name} · {when}"


def _moment(session: Session, at: time) -> datetime:
    """A time of day at a session, on its day (or the next, for a session past midnight)."""
    starts = timezone.localtime(session.starts_at)
    moment = datetime.combine(starts.date(), at, tzinfo=starts.tzinfo)
    if moment < session.starts_at and timezone.localtime(session.ends_at).date() > starts.date():
        moment = datetime.combine(starts.date() + timedelta(days=1), at, tzinfo=starts.tzinfo)
    return moment


class ClaimForm(Form):
    """A member's claim: which session, from when to when. The service decides whether the
    session can take a claim, so any session may be posted; the list offers recent ones."""

    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.select_related("activity__organisation"),
        empty_label=_("Choose the session"),
    )
    start = forms.TimeField(label=_("You started at"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("You finished at"), widget=TIME_INPUT)
    note = forms.CharField(
        label=_("Note for the coordinator"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what you helped with, or why you could not check in."),
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].widget.choices = [("", _("Choose the session"))] + [
            (s.pk, session_label(s)) for s in sessions
        ]

    def clean(self):
        data = super().clean()
        session, start, end = data.get("session"), data.get("start"), data.get("end")
        if session is not None and start is not None and end is not None:
            data["starts_at"], data["ends_at"] = _moment(session, start), _moment(session, end)
        return data
