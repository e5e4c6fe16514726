"""Shared help for web forms (a base form that shows services' errors accessibly, the groups a
form offers, amounts in credits, and the field that sends credits to a group or the programme's
pool): services
validate, forms only render and show what services said."""

import hashlib
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.cache import cache
from django.core.validators import MaxValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from timecredits.errors import Busy, Conflict, DomainError
from timecredits.templatetags.credits import credits
from timecredits.text import CONTROL

# The largest whole number a form takes where its field names no smaller limit: the most an
# integer column holds on PostgreSQL, so a number typed or sent too large for the database is
# the form's error, never a server error when it is saved or looked up.
LARGEST = 2_147_483_647
# Text typed by a person holds no control character (a pasted one breaks a download or an email).
NO_CONTROL = RegexValidator(
    CONTROL, inverse_match=True, message=_("Text cannot contain control characters.")
)
SENT_BEFORE = _(
    "This form was already sent, with other details, and that was done. Nothing more was done "
    "now. Check the details, and send it again if you meant to do it once more."
)


# A phone's own date and time pickers, sending the ISO format the fields read.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class Credits(forms.DecimalField):
    """An amount in credits as people write it (1.5); it must come to whole minutes, which the
    ledger counts (a credit is 60 of them), so what is shown after is what was typed. With two
    decimal places, those are the steps of 0.05 credits."""

    def __init__(self, **kwargs):
        super().__init__(**{"max_digits": 8, "decimal_places": 2} | kwargs)

    def validate(self, value):
        super().validate(value)
        # Too many digits is the field's own error, said after this; 1E+309 would not divide.
        within = value is not None and abs(value) < 10 ** (self.max_digits - self.decimal_places)
        if within and (value * 60) % 1:
            raise forms.ValidationError(
                _("Use steps of 0.05 credits (3 minutes), for example 0.25, 0.5 or 1.5."),
                code="whole_minutes",
            )

    @staticmethod
    def minutes(value) -> int:
        """The amount in the ledger's minutes: 1.5 credits is 90."""
        return int(value * 60)


class Hours(forms.DecimalField):
    """Time as people write it, in hours (1.5 for an hour and a half, or 1,5), for a form that
    keeps it as whole minutes: cleaned to minutes (to the nearest), and a number of minutes given
    as its initial value shown in hours. A text box with the phone's decimal keypad: a number
    box drops a typed comma in some browsers, and "1,5" arrived as 15."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**{"min_value": 0, "max_digits": 6, "decimal_places": 2} | kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        too_large = _("That number is too large.")
        self.error_messages |= {
            "max_digits": too_large,
            "max_whole_digits": too_large,
            "invalid": _("Give the hours as a number, for example 1.5 for an hour and a half."),
        }

    def to_python(self, value):
        text = str(value or "").strip()
        if "_" in text or text.count(",") > 1 or ("," in text and "." in text):
            # Python reads 1_5 as 15; a thousands comma is no way to write hours.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text.replace(",", "."))

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return credits(value)  # minutes as hours read: 90 -> "1.5"
        return super().prepare_value(value)

    def clean(self, value):
        hours = super().clean(value)
        return None if hours is None else int((hours * 60).quantize(Decimal(1), ROUND_HALF_UP))


class Token(forms.CharField):
    """Made when a form is shown and sent back with it, so sending the form twice does what it
    asks once: the service's idempotency key, or `sent_once`'s. Give it `initial=new_token`."""

    widget = forms.HiddenInput

    def __init__(self, *, required: bool = True):
        super().__init__(max_length=64, initial=new_token, required=required)


def new_token() -> str:
    return uuid.uuid4().hex


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    message = _("That form was already sent with other details.")


SENDING = "sending"
# How long a sending at work holds its token: far longer than any one request, and short enough
# that a process that died meanwhile leaves the form usable again soon.
SENDING_FOR = 60
KEPT_FOR = 24 * 3600


def sent_once(scope: str, sent: dict, make, *, wait: float = 10.0):
    """What `make(asked)` returns (something the cache keeps: an id, a message), made once per
    form token: `sent` is the form's cleaned data, and `asked` the same less its "token". The
    same form sent again (a double tap, the back button) gets what the first sending made; the
    same token with other details (back, then a change) is an idempotency conflict, as a
    service's key would be. For what no service makes idempotent
    itself; a refusal leaves the token free to send again. A second sending while the first is
    still at work waits for it, up to `wait` seconds, and makes it itself if the first was
    refused meanwhile. The cache's `add` must be atomic across processes: Redis in production
    (CACHE_URL or REDIS_URL), as the rate limits need too."""
    asked = dict(sent)
    token = asked.pop("token", "")
    if not token:  # a form from before it carried one: nothing to know a second sending by
        return make(asked)
    key = f"sent-once:{scope}:{token}"
    shown = sorted((name, str(getattr(value, "pk", value))) for name, value in asked.items())
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    deadline = time.monotonic() + wait
    while True:
        if cache.add(key, (SENDING, digest), timeout=SENDING_FOR):
            try:
                made = make(asked)
            except BaseException:
                cache.delete(key)
                raise
            cache.set(key, (made, digest), timeout=KEPT_FOR)
            return made
        kept = cache.get(key)
        if kept is None:  # the first was refused (or its hold ran out) just now: ours to make
            continue
        made, first = kept
        if first != digest:
            raise IdempotencyConflict(detail={"token": token})
        if made != SENDING:
            return made
        if time.monotonic() > deadline:
            raise Busy()
        time.sleep(0.05)


def row_id(value) -> int | None:
    """The id of a row a form or link names, or None, which names no row: plain digits only
    (not "²", which `str.isdigit` also takes), and no longer than an id can be."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class Form(forms.Form):
    """A form whose whole numbers fit the database, whose text holds no control character, and
    whose widgets carry the accessibility attributes their errors need."""

    def full_clean(self):
        # Here rather than in __init__, so a subclass can finish setting up its fields first.
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and field.max_value is None:
                field.max_value = LARGEST
                field.validators.append(
                    MaxValueValidator(LARGEST, message=_("That number is too large."))
                )
            if isinstance(field, forms.CharField) and NO_CONTROL not in field.validators:
                field.validators.append(NO_CONTROL)
        super().full_clean()
        self._mark_invalid()

    def add_service_errors(self, refused: DomainError) -> None:
        """Show a service's refusal: an `Invalid`'s problems next to the fields they name, any
        other refusal above the form. A form sent again under the token it was shown with, but
        with other details (the back button, then a change), was done once already: it says so,
        and takes a new token, so that sending it once more is a new request."""
        problems = refused.detail if isinstance(refused.detail, list) else []
        for problem in problems:
            field = problem.get("field")
            self.add_error(field if field in self.fields else None, problem["message"])
        if refused.code == "idempotency_conflict" and "token" in self.fields:
            self.add_error(None, SENT_BEFORE)
            self.data = self.data.copy()
            self.data[self.add_prefix("token")] = new_token()
        elif not problems:
            self.add_error(None, refused.message)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        """Tell assistive technology which fields are wrong and where their errors are said."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class Rows(forms.ModelMultipleChoiceField):
    """Rows ticked by id. An id beyond what any column holds is a choice that is not offered,
    as Django's single choice already says, where SQLite fails on it as a 500."""

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            beyond = next((v for v in value if row_id(v) is None), "")
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(beyond)[:20]},
            ) from None


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
