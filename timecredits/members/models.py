"""People: the account everyone signs in with, and a volunteer's member profile on top of it."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Crockford's alphabet without I, L, O, U: easy to read aloud and type from a printed card.
MEMBER_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

# The optional answers about a person, blank when not answered: shown only to platform staff,
# exported to the member, erased when they leave.
DEMOGRAPHICS = (
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "employment_status",
    "postcode",
    "area",
)


def new_member_code() -> str:
    return "".join(secrets.choice(MEMBER_CODE_ALPHABET) for _ in range(8))


class User(AbstractUser):
    """Django's user, with an optional unique email and phone so people can sign in with either."""

    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    signed_out_everywhere_at = models.DateTimeField(
        _("signed out everywhere at"),
        null=True,
        blank=True,
        help_text=_("Every session and token from before this moment has stopped working."),
    )
    # The language the person chose for pages, notifications and emails; blank until they choose
    # (then their browser's Accept-Language decides).
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    # Django ends a session when this hash no longer matches the one it stored at sign-in, and
    # api.tokens does the same for tokens. It covers the password, so every way of changing it
    # (page, admin, shell) ends them all without a hook in each; and "sign out everywhere".
    # With no such moment it is Django's own hash, so existing sessions survive the upgrade.
    def _credentials_hash(self, secret=None) -> str:
        value = self.password
        if self.signed_out_everywhere_at is not None:
            value = f"{value}|{self.signed_out_everywhere_at.isoformat()}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self):
        return self._credentials_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._credentials_hash(secret=fallback_secret)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="user_phone_unique"
            ),
        ]


class Member(models.Model):
    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        AGE_18_24 = "18_24", _("18 to 24")
        AGE_25_34 = "25_34", _("25 to 34")
        AGE_35_49 = "35_49", _("35 to 49")
        AGE_50_64 = "50_64", _("50 to 64")
        AGE_65_74 = "65_74", _("65 to 74")
        AGE_75_PLUS = "75_plus", _("75 or over")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("Another way")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Ethnicity(models.TextChoices):
        ASIAN = "asian", _("Asian or Asian British")
        BLACK = "black", _("Black, Black British, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Another ethnic group")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("In paid work")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Looking for work")
        STUDENT = "student", _("In education")
        # A person who has retired; not the ledger's retired credits, also "Retired" in English.
        RETIRED = "retired", pgettext_lazy("employment status", "Retired")
        CARER = "carer", _("Looking after home or family")
        UNABLE = "unable_to_work", _("Unable to work (illness or disability)")
        OTHER = "other", _("Other")
        PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="members"
    )
    code = models.CharField(
        _("member code"), max_length=8, unique=True, default=new_member_code, editable=False
    )
    new_to_volunteering = models.BooleanField(_("new to volunteering"), null=True, blank=True)
    registered_by_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_members",
        help_text=_("Set when a coordinator registered this member on their behalf."),
    )

    # Consents: terms are required to join; reports and surveys are separate and revocable.
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    reports_consent = models.BooleanField(_("counted in anonymous reports"), default=False)
    surveys_consent = models.BooleanField(_("invited to surveys"), default=False)

    # Optional demographics; blank means not answered.
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(
        _("disability or long-term condition"), max_length=20, choices=YesNo.choices, blank=True
    )
    employment_status = models.CharField(max_length=20, choices=Employment.choices, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    area = models.CharField(
        max_length=8, blank=True, help_text=_("The postcode district, kept for area reports.")
    )

    pass_version = models.PositiveIntegerField(
        default=1, help_text=_("Raised to revoke every printed card issued before.")
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Member {self.code}"


class ConsentRecord(models.Model):
    """Every consent given or withdrawn, for the audit trail; Member holds the current state."""

    class Purpose(models.TextChoices):
        TERMS = "terms", _("Terms of use")
        REPORTS = "reports", _("Anonymous reports")
        SURVEYS = "surveys", _("Surveys")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    granted = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The coordinator who recorded it in person on the member's behalf; empty when the "
            "member gave it themself."
        ),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.get_purpose_display()}: {'given' if self.granted else 'withdrawn'}"
