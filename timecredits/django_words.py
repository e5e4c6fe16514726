"""Django's own words that our pages show and Django's Welsh catalogue lacks (it is older than
Django's current wording, whose apostrophes are now typographic) or gets wrong (a date error that
reads "number date", a limit that reads "greater or less than"). Listed here only so that
makemessages puts them in our catalogue, which Django reads before its own; nothing imports this.
Keep each msgid exactly as Django writes it (django/contrib/auth/, django/forms/,
django/core/validators.py)."""

from django.utils.translation import gettext_noop, ngettext

DJANGO_WORDS = [
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),  # noqa: RUF001
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("July"),  # Django's Welsh has "Gorffenaf"
]


def _plurals(n: int) -> list[str]:
    return [
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            n,
        ),
        ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            n,
        ),
    ]
