"""Writes about people: joining, assisted registration, profile, consents, demographics, closure.

Every function validates all of its input first and raises one `Invalid` whose detail lists
each problem as {"field", "message"}, so a page and the API show the same messages, and nothing
is written unless everything is valid.
"""

import secrets
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.selectors import member_account
from partners.selectors import participation_approved, programme_groups
from partners.services.organisations import invitations_forget_email
from timecredits.activities.services.verification import member_contributions_withdraw
from timecredits.credits.errors import CreditsOnHold
from timecredits.credits.services.accounts import member_account_open
from timecredits.credits.services.gifts import member_account_settle
from timecredits.db import retry_on_conflict
from timecredits.errors import Invalid, NotFound, PermissionDenied, Problems
from timecredits.surveys.services import member_answers_erase
from timecredits.text import one_line

from .models import DEMOGRAPHICS, ConsentRecord, Member, User
from .normalise import normalise_phone, normalise_postcode, postcode_district

DEMOGRAPHIC_CHOICES = {
    "age_band": Member.AgeBand,
    "gender": Member.Gender,
    "ethnicity": Member.Ethnicity,
    "disability": Member.YesNo,
    "employment_status": Member.Employment,
}


def _taken(field: str, *, joining: bool) -> str:
    """Why an email address or phone number someone else has is refused: a person joining is
    asked to sign in instead; anyone else (signed in, or registering someone) to use another."""
    return {
        ("email", True): _("This email address is already registered. Try signing in."),
        ("email", False): _("Another account already has this email address. Use a different one."),
        ("phone", True): _("This phone number is already registered. Try signing in."),
        ("phone", False): _("Another account already has this phone number. Use a different one."),
    }[field, joining]


def _clean_contact(problems, *, email, phone, user=None, own=True) -> tuple[str, str]:
    """The email and phone, checked and normalised. One someone else has is refused: a person
    signing up (`own`, without a `user`) is asked to sign in instead."""
    joining = own and user is None
    email = (email or "").strip()
    phone_raw = (phone or "").strip()
    phone = ""
    others = User.objects.exclude(pk=user.pk) if user else User.objects.all()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            problems.add("email", _("Enter an email address like name@example.org."))
        else:
            if others.filter(email__iexact=email).exists():
                problems.add("email", _taken("email", joining=joining))
    if phone_raw:
        phone = normalise_phone(phone_raw)
        if phone is None:
            problems.add("phone", _("Enter a UK phone number, like 07700 900123."))
            phone = ""
        elif others.filter(phone=phone).exists():
            problems.add("phone", _taken("phone", joining=joining))
    return email, phone


def _clean_names(problems, *, first_name, last_name) -> tuple[str, str]:
    first_name, last_name = one_line(first_name), one_line(last_name)
    if not first_name:
        problems.add("first_name", _("Enter your first name."))
    if len(first_name) > 150:
        problems.add("first_name", _("Use at most 150 characters."))
    if len(last_name) > 150:
        problems.add("last_name", _("Use at most 150 characters."))
    return first_name, last_name


def _clean_demographics(problems, demographics: dict) -> dict:
    cleaned = {}
    for field, value in demographics.items():
        if field == "postcode":
            continue
        if field not in DEMOGRAPHIC_CHOICES:
            problems.add(field, _("This is not a question we ask."))
        elif value and value not in DEMOGRAPHIC_CHOICES[field].values:
            problems.add(field, _("Choose one of the answers offered."))
        else:
            cleaned[field] = value or ""
    if "postcode" in demographics:
        raw = (demographics["postcode"] or "").strip()
        postcode = normalise_postcode(raw) if raw else ""
        if postcode is None:
            problems.add("postcode", _("Enter a UK postcode, like CF10 1AA, or leave it blank."))
        else:
            cleaned["postcode"] = postcode
            cleaned["area"] = postcode_district(postcode) if postcode else ""
    return cleaned


def _record_consents(member, *, recorded_by=None, **granted: bool) -> None:
    ConsentRecord.objects.bulk_create(
        ConsentRecord(member=member, purpose=purpose, granted=value, recorded_by=recorded_by)
        for purpose, value in granted.items()
    )


class _Consents(NamedTuple):
    reports: bool
    surveys: bool
    new_to_volunteering: bool | None


def _create_member(
    person: dict, consents: _Consents, *, password: str | None, recorded_by=None, **member_fields
) -> Member:
    """Create the user (`person`: their names and contact details), their member row (agreeing
    to the terms now) and their ledger account, and record the consents they gave."""
    code = None
    for _attempt in range(5):
        candidate = Member._meta.get_field("code").default()
        if not Member.objects.filter(code=candidate).exists():
            code = candidate
            break
    user = User(username=f"member-{code.lower()}", **person)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            member = Member.objects.create(
                user=user,
                code=code,
                terms_accepted_at=timezone.now(),
                reports_consent=consents.reports,
                surveys_consent=consents.surveys,
                new_to_volunteering=consents.new_to_volunteering,
                **member_fields,
            )
            member_account_open(member=member)
    except IntegrityError as clash:
        # Two people joining with the same email or phone at the same moment.
        raise Invalid(
            _("Some details need another look."),
            detail=[{"field": "email", "message": _("This email or phone is already registered.")}],
        ) from clash
    _record_consents(
        member,
        recorded_by=recorded_by,
        terms=True,
        reports=consents.reports,
        surveys=consents.surveys,
    )
    return member


@transaction.atomic
def member_sign_up(
    *,
    programme,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    password: str,
    accept_terms: bool,
    reports_consent: bool = False,
    surveys_consent: bool = False,
    new_to_volunteering: bool | None = None,
    demographics: dict | None = None,
) -> Member:
    """A person joins a programme from their own phone."""
    problems = Problems()
    first_name, last_name = _clean_names(problems, first_name=first_name, last_name=last_name)
    email, phone = _clean_contact(problems, email=email, phone=phone)
    if not email and not phone:
        problems.add("email", _("Enter an email address or a phone number, so you can sign in."))
    if not accept_terms:
        problems.add("accept_terms", _("You need to agree to the terms of use to join."))
    try:
        validate_password(
            password or "", User(first_name=first_name, last_name=last_name, email=email)
        )
    except DjangoValidationError as weak:
        for message in weak.messages:
            problems.add("password", message)
    cleaned = _clean_demographics(problems, demographics or {})
    problems.raise_if_any()
    consents = _Consents(reports_consent, surveys_consent, new_to_volunteering)
    person = {"first_name": first_name, "last_name": last_name, "email": email, "phone": phone}
    return _create_member(person, consents, password=password, programme=programme, **cleaned)


@transaction.atomic
def member_register_assisted(
    *,
    actor,
    organisation,
    programme,
    first_name: str,
    terms_agreed: bool,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    reports_consent: bool = False,
    surveys_consent: bool = False,
    new_to_volunteering: bool | None = None,
) -> Member:
    """A coordinator registers someone without a smartphone or email; they get a printed card.

    The person cannot tick the terms themself, so the coordinator confirms that they went
    through the terms with them and that they agreed; every consent is recorded as given in
    person and recorded by that coordinator, never as if the member had clicked it."""
    problems = Problems()
    if not participation_approved(programme=programme, organisation=organisation):
        problems.add("programme", _("Your organisation is not approved in this programme."))
    first_name, last_name = _clean_names(problems, first_name=first_name, last_name=last_name)
    email, phone = _clean_contact(problems, email=email, phone=phone, own=False)
    if not terms_agreed:
        problems.add(
            "terms_agreed",
            _("Go through the terms of use with them, and confirm here that they agreed."),
        )
    problems.raise_if_any()
    consents = _Consents(reports_consent, surveys_consent, new_to_volunteering)
    person = {"first_name": first_name, "last_name": last_name, "email": email, "phone": phone}
    return _create_member(
        person,
        consents,
        password=None,
        recorded_by=actor,
        programme=programme,
        registered_by_organisation=organisation,
    )


@transaction.atomic
def member_update_profile(
    *, member: Member, first_name: str, last_name: str, email: str, phone: str
) -> Member:
    problems = Problems()
    user = member.user
    first_name, last_name = _clean_names(problems, first_name=first_name, last_name=last_name)
    email, phone = _clean_contact(problems, email=email, phone=phone, user=user)
    if not email and not phone and user.has_usable_password():
        problems.add("email", _("Keep an email address or a phone number, so you can sign in."))
    problems.raise_if_any()
    user.first_name, user.last_name, user.email, user.phone = first_name, last_name, email, phone
    try:
        with transaction.atomic():
            user.save(update_fields=["first_name", "last_name", "email", "phone"])
    except IntegrityError as clash:
        # Someone else took the same email or phone at the same moment.
        field = "phone" if "phone" in str(clash) else "email"
        message = _taken(field, joining=False)
        raise Invalid(message, detail=[{"field": field, "message": message}]) from clash
    return member


@transaction.atomic
def member_set_consents(*, member: Member, reports: bool, surveys: bool) -> Member:
    """Give or withdraw consent; each change is recorded, and reports read the current state."""
    changed = {}
    if member.reports_consent != reports:
        changed["reports"] = reports
    if member.surveys_consent != surveys:
        changed["surveys"] = surveys
    if changed:
        Member.objects.filter(pk=member.pk).update(reports_consent=reports, surveys_consent=surveys)
        member.reports_consent, member.surveys_consent = reports, surveys
        _record_consents(member, **changed)
    return member


@transaction.atomic
def member_set_demographics(*, member: Member, demographics: dict) -> Member:
    problems = Problems()
    cleaned = _clean_demographics(problems, demographics)
    problems.raise_if_any()
    for field, value in cleaned.items():
        setattr(member, field, value)
    member.save(update_fields=list(cleaned) or None)
    return member


@transaction.atomic
def member_card_replace(*, actor, member: Member) -> Member:
    """Replace a member's card: the pass version goes up, so every card printed before (and the
    phone pass on screen now) is refused from then on, and the card shown next works. A member
    who joined themself has no group to print them one: their card is theirs alone to replace.
    Who may act for a group is the use case's question."""
    if member.closed_at is not None:
        raise NotFound(_("This member's account is closed."), code="member_not_found")
    if actor.pk != member.user_id and member.registered_by_organisation_id is None:
        raise PermissionDenied(
            _("Only the member can replace this card."),
            detail={"action": "organisation.member.card"},
        )
    Member.objects.filter(pk=member.pk).update(pass_version=F("pass_version") + 1)
    member.refresh_from_db(fields=["pass_version"])
    return member


def _check_closable(member: Member, donate_to) -> None:
    """Refuse, before anything is written, what would stop the closure."""
    if donate_to is not None and donate_to not in programme_groups(programme=member.programme_id):
        raise Invalid(
            _("Choose a group in your programme, or leave your credits to the programme."),
            detail=[{"field": "donate_to", "message": _("Choose a group from the list.")}],
        )
    if member_account(member=member).debits_pending:
        raise CreditsOnHold()


@retry_on_conflict
def member_close(*, member: Member, confirm: bool, donate_to=None) -> Member:
    """Erase a member's personal data; what they did stays, against their pseudonymous code.

    Their open check-in and the time still waiting for verification are withdrawn, since it
    could never be credited. What they hold is donated (to `donate_to`, a group in their
    programme, or else the programme's pool) and their ledger account closed. Then the person
    is forgotten: names, email, phone, demographics and survey answers are erased (and the
    email from any staff invitation addressed to them), the sign-in is disabled and every token
    and session ends (a session is tied to the password hash, which is replaced).
    """
    if not confirm:
        raise Invalid(
            _("Tick the box to confirm that you want to close your account."),
            detail=[
                {"field": "confirm", "message": _("Confirm that you want to close your account.")}
            ],
        )
    # The member first, then their contributions, then their account: the lock order in
    # timecredits/db.py. Read afresh under the lock: it may have closed a moment ago, and an
    # attempt that was retried may have changed this object before it rolled back.
    member.refresh_from_db(from_queryset=Member.objects.select_for_update(no_key=True))
    if member.closed_at is not None:
        return member
    _check_closable(member, donate_to)
    member_contributions_withdraw(member=member, actor=member.user)
    member_account_settle(member=member, donate_to=donate_to)
    user = member.user
    invitations_forget_email(email=user.email)
    user.username = f"closed-{member.code.lower()}-{secrets.token_hex(4)}"
    user.first_name = user.last_name = user.email = user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.api_tokens.all().delete()
    member_answers_erase(member=member)
    for field in DEMOGRAPHICS:
        setattr(member, field, "")
    member.new_to_volunteering = None
    member.reports_consent = member.surveys_consent = False
    member.closed_at = timezone.now()
    member.save()
    _record_consents(member, reports=False, surveys=False)
    return member


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session and token the user has: they hang on the user's session auth hash,
    which changes with this moment (see User.get_session_auth_hash)."""
    user.signed_out_everywhere_at = timezone.now()
    user.save(update_fields=["signed_out_everywhere_at"])


def user_set_language(*, user: User, language: str) -> User:
    """Keep the language the person chose (blank: none, their browser decides)."""
    if language and language not in dict(settings.LANGUAGES):
        message = _("Choose one of the languages offered.")
        raise Invalid(message, detail=[{"field": "language", "message": message}])
    user.language = language
    user.save(update_fields=["language"])
    return user
