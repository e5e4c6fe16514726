from django import forms
from django.utils.translation import gettext_lazy as _

from timecredits.forms import Form

from .models import Notification


class EmailPreferencesForm(Form):
    kinds = forms.MultipleChoiceField(
        label=_("Email me about"),
        choices=Notification.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everything also shows here in the app."),
    )
