"""Shared help for web forms (a base form that shows services' errors accessibly, the groups a
form offers, and the field that sends credits to a group or the programme's pool): services
validate, forms only render and show what services said."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from timecredits.errors import Invalid

# The largest whole number a form takes where its field names no smaller limit: the most an
# integer column holds on PostgreSQL, so a number typed or sent too large for the database is
# the form's error, never a server error when it is saved or looked up.
LARGEST = 2_147_483_647


def row_id(value) -> int | None:
    """The id of a row a form or link names, or None, which names no row: plain digits only
    (not "²", which `str.isdigit` also takes), and no longer than an id can be."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class Form(forms.Form):
    """A form whose whole numbers fit the database, and whose widgets carry the accessibility
    attributes their errors need."""

    def full_clean(self):
        # Here rather than in __init__, so a subclass can finish setting up its fields first.
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and field.max_value is None:
                field.max_value = LARGEST
                field.validators.append(MaxValueValidator(LARGEST))
        super().full_clean()
        self._mark_invalid()

    def add_service_errors(self, invalid: Invalid) -> None:
        """Show a service's `Invalid` detail next to the fields it names."""
        for problem in invalid.detail or []:
            field = problem.get("field")
            self.add_error(field if field in self.fields else None, problem["message"])
        if not invalid.detail:
            self.add_error(None, invalid.message)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        """Tell assistive technology which fields are wrong and where their errors are said."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"


class GroupsOffered:
    """Mixed into a form whose `organisation` field offers the groups the caller gives when it
    makes the form: `AllocationForm(data, groups=queryset)`."""

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = groups


class GroupOrPool(forms.ModelChoiceField):
    """A group of the programme to send credits to or, left blank, the programme's shared pool.
    The form sets the groups (`queryset`) when it is made."""

    def __init__(self, *, label):
        super().__init__(
            label=label,
            queryset=None,
            required=False,
            empty_label=_("The programme's shared pool"),
        )
