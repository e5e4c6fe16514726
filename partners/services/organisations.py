"""Writes about organisations: applying to a programme, approval, details, staff and their
invitations."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from timecredits.credits.services.accounts import organisation_account_open
from timecredits.db import claim, retry_on_conflict
from timecredits.errors import Conflict, Invalid, NotFound, Problems
from timecredits.language import stored_language
from timecredits.site import site_url
from timecredits.text import one_line

from ..models import Invitation, Organisation, Participation, StaffMembership

INVITATION_SALT = "partners.invitation"
EDITABLE_FIELDS = [
    "name",
    "description",
    "contact_email",
    "contact_phone",
    "website",
    "address",
    "postcode",
    "area",
]


# What an organisation's admin sets on its settings page, beyond its details.
SETTINGS_FIELDS = ["auto_approve_checkins"]


def _unique_slug(name: str) -> str:
    """A slug no other organisation has: each one tried is claimed, like the name, until the
    transaction ends, so two names that come to the same slug at once do not both take it."""
    base = slugify(name)[:40] or "organisation"
    slug, n = base, 1
    claim("organisation slug", slug)
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
        claim("organisation slug", slug)
    return slug


def _refuse_past_pending_limit(actor) -> None:
    """One person can have only so many applications waiting, so nobody can flood the
    programme admins' queue (one member once filed 135 in ten minutes). Their own row is locked
    first, so applications sent at once are counted one after another, not all against the
    same count."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=actor.pk).first()
    limit = settings.ORGANISATION_PENDING_APPLICATIONS_LIMIT
    pending = Participation.objects.filter(
        status=Participation.Status.PENDING,
        organisation__staff__user=actor,
        organisation__staff__role=StaffMembership.Role.ORG_ADMIN,
    ).count()
    if pending >= limit:
        raise Conflict(
            ngettext(
                "You already have %(count)d organisation waiting for approval. You can apply "
                "again once a programme admin has decided on it.",
                "You already have %(count)d organisations waiting for approval. You can apply "
                "again once a programme admin has decided on one of them.",
                pending,
            )
            % {"count": pending},
            code="too_many_pending_applications",
            detail={"pending": pending, "limit": limit},
        )


def _name_taken(name: str, *, other_than: Organisation | None = None) -> str | None:
    """Why `name` cannot be used, where another organisation is already called that (whatever
    the case or spacing): members choose where to give and donate by name. An organisation
    keeping its own name is never refused, even one that shares it from before this rule.
    The name is claimed until the transaction ends, so two at once cannot both take it."""
    claim("organisation name", one_line(name).lower())
    if other_than is not None and one_line(name).lower() == one_line(other_than.name).lower():
        return None
    others = Organisation.objects.filter(name__iexact=one_line(name))
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    if others.exists():
        return gettext("Another organisation is already called %(name)s.") % {"name": name}
    return None


def _look_again(field: str, message: str) -> Invalid:
    """A detail refused: why, next to its field."""
    return Invalid(
        gettext("Some details need another look."), detail=[{"field": field, "message": message}]
    )


def _website(value: str) -> str:
    """A website as it is kept: a web address (https:// is added to a bare `example.org`), so
    that no other kind of link (`javascript:`, `data:`) reaches the members it is shown to."""
    value = (value or "").strip()
    if value and "://" not in value and ":" not in value.split("/", 1)[0]:
        value = f"https://{value}"
    longest = Organisation._meta.get_field("website").max_length
    if len(value) > longest:
        # Checked after https:// is added: a form's 200 characters became 208, a 500 on
        # PostgreSQL.
        raise _look_again(
            "website",
            gettext("Use a web address of at most %(max)d characters.") % {"max": longest},
        )
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError as bad:
            raise _look_again(
                "website", gettext("Enter a web address like https://example.org.")
            ) from bad
    return value


@retry_on_conflict
def organisation_apply(*, actor, programme, name: str, kind: str, **details) -> Organisation:
    """Someone registers their group or venue; it waits for the programme's approval and they
    become its admin."""
    name = one_line(name)
    problems = Problems()
    if not name:
        problems.add("name", gettext("Enter the organisation's name."))
    elif taken := _name_taken(name):
        problems.add("name", taken)
    if kind not in Organisation.Kind.values:
        problems.add("kind", gettext("Choose group, venue or both."))
    for field in sorted(set(details) - set(EDITABLE_FIELDS)):
        problems.add(field, gettext("This is not a detail we keep."))
    problems.raise_if_any()
    if "website" in details:
        details["website"] = _website(details["website"])
    _refuse_past_pending_limit(actor)
    organisation = Organisation.objects.create(
        name=name, slug=_unique_slug(name), kind=kind, **details
    )
    organisation_account_open(organisation=organisation)
    Participation.objects.create(programme=programme, organisation=organisation)
    StaffMembership.objects.create(
        organisation=organisation, user=actor, role=StaffMembership.Role.ORG_ADMIN
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **changes) -> Organisation:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            gettext("Some details need another look."),
            detail=[
                {"field": f, "message": gettext("This cannot be changed here.")}
                for f in sorted(unknown)
            ],
        )
    nulls = sorted(f for f, value in changes.items() if value is None)
    if nulls:
        raise Invalid(
            gettext("Some details need another look."),
            detail=[{"field": f, "message": gettext("This cannot be empty.")} for f in nulls],
        )
    if "name" in changes and not (changes["name"] or "").strip():
        raise Invalid(
            detail=[{"field": "name", "message": gettext("Enter the organisation's name.")}]
        )
    if "name" in changes:
        if taken := _name_taken(changes["name"], other_than=organisation):
            raise Invalid(taken, detail=[{"field": "name", "message": taken}])
        changes["name"] = one_line(changes["name"])
    if changes.get("contact_email"):
        try:
            validate_email(changes["contact_email"])
        except DjangoValidationError as bad:
            raise _look_again(
                "contact_email", gettext("Enter an email address like name@example.org.")
            ) from bad
    if "website" in changes:
        changes["website"] = _website(changes["website"])
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=list(changes) or None)
    return organisation


@transaction.atomic
def organisation_settings_update(
    *, organisation: Organisation, auto_approve_checkins: bool, **details
) -> Organisation:
    """An organisation's admin saves its settings page: its details (as `organisation_update`)
    and whether QR check-ins inside the session window are approved without a coordinator."""
    if not isinstance(auto_approve_checkins, bool):
        raise Invalid(
            gettext("Some details need another look."),
            detail=[{"field": "auto_approve_checkins", "message": gettext("Choose yes or no.")}],
        )
    organisation_update(organisation=organisation, **details)
    organisation.auto_approve_checkins = auto_approve_checkins
    organisation.save(update_fields=["auto_approve_checkins"])
    return organisation


@retry_on_conflict
def participation_decide(
    *, actor, programme, organisation, approve: bool, shown: str | None = None
) -> Participation:
    """Approve or decline an organisation in a programme. `shown`, the status the decider was
    shown, if it is no longer the status: someone decided meanwhile, and their decision stands."""
    participation = (
        Participation.objects.select_for_update(no_key=True)
        .filter(programme=programme, organisation=organisation)
        .first()
    )
    if participation is None:
        raise NotFound(gettext("This organisation has not applied to this programme."))
    decided = Participation.Status.APPROVED if approve else Participation.Status.DECLINED
    if participation.status == decided and shown is not None:
        return participation  # the same decision again (a double tap): done already
    if shown is not None and participation.status != shown:
        raise Conflict(
            gettext("%(name)s was %(status)s meanwhile, by someone else. Nothing was changed.")
            % {"name": organisation.name, "status": participation.get_status_display().lower()},
            code="already_decided",
        )
    participation.status = decided
    participation.decided_at = timezone.now()
    participation.decided_by = actor
    participation.save(update_fields=["status", "decided_at", "decided_by"])
    return participation


@transaction.atomic
def invitation_create(*, actor, organisation, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and the signed token for its link."""
    problems = Problems()
    email = (email or "").strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        problems.add("email", gettext("Enter an email address like name@example.org."))
    if role not in organisation.staff_roles:
        labels = dict(StaffMembership.Role.choices)
        problems.add(
            "role",
            gettext("Choose a role this organisation has: %(roles)s.")
            % {"roles": ", ".join(str(labels[r]).lower() for r in organisation.staff_roles)},
        )
    problems.raise_if_any()
    # Inviting someone again (the email went astray, or the role was wrong) sends the same
    # invitation again, in the role asked for now: one open invitation per address, however
    # often (or however many at once) it is sent.
    claim("invitation", f"{organisation.pk}:{email.lower()}")
    invitation = (
        Invitation.objects.select_for_update(no_key=True)
        .filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    # The worker has no request to take the link's address from, nor a language: the email is
    # written in the one the invitee chose, where they have an account, else the inviter's page's.
    invitee = get_user_model()._default_manager.filter(email__iexact=email, is_active=True).first()
    writing = {
        "site_url": site_url(),
        "language": stored_language(invitee)
        or translation.get_language()
        or settings.LANGUAGE_CODE,
    }
    if invitation is None:
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=actor, **writing
        )
    else:
        invitation.role, invitation.invited_by, invitation.sent_at = role, actor, timezone.now()
        invitation.site_url, invitation.language = writing["site_url"], writing["language"]
        invitation.save(update_fields=["role", "invited_by", "sent_at", *writing])
    token = _invitation_token(invitation)
    # robust: queueing that fails (the broker just went away) must not answer the committed
    # invitation with a 500; the sweep sends its email.
    transaction.on_commit(
        lambda: _enqueue_invitation_email(invitation.pk, token, **writing), robust=True
    )
    return invitation, token


def _enqueue_invitation_email(invitation_id: int, token: str, site_url: str, language: str):
    from django_q.tasks import async_task

    async_task("partners.tasks.send_invitation_email", invitation_id, token, site_url, language)


def invitation_sending_is(invitation: Invitation, token: str) -> bool:
    """Whether `token` is the link of the invitation's latest sending (an email queued before
    it was sent again carries a link that no longer works)."""
    try:
        link = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return False
    return link == [invitation.pk, invitation.sent_at.isoformat(timespec="microseconds")]


def invitations_unemailed(*, now: datetime.datetime):
    """Open invitations whose latest sending's email has not reached the mail server a few
    minutes on (its task failed, or was lost with its worker), with their links' tokens."""
    waiting = Invitation.objects.filter(
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        sent_at__lt=now - Invitation.EMAIL_WAIT,
        sent_at__gt=now - Invitation.LINK_LIFETIME,
    ).filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("sent_at")))
    return [(invitation, _invitation_token(invitation)) for invitation in waiting]


def _invitation_token(invitation: Invitation) -> str:
    """The link's token: the invitation and when it was sent, so sending it again (perhaps in
    another role) retires every earlier link; one sent for a coordinator cannot be accepted
    later as an admin's."""
    sent = invitation.sent_at.isoformat(timespec="microseconds")
    return signing.dumps([invitation.pk, sent], salt=INVITATION_SALT)


# How long after accepting an invitation accepting it again is the same acceptance (a double tap).
ACCEPTANCE_REPLAYED_WITHIN = datetime.timedelta(minutes=10)


def invitation_open(token: str, *, lock: bool = False, replayed_by=None) -> Invitation:
    """The invitation a link names, while it can still be accepted (locked for the rest of the
    transaction when `lock`), or as accepted by `replayed_by`; else why not: forged, expired,
    used or withdrawn."""
    try:
        link = signing.loads(token, salt=INVITATION_SALT, max_age=Invitation.LINK_LIFETIME)
        # A link sent before links carried when they were sent names the invitation alone.
        invitation_id, sent = (link, None) if isinstance(link, int) else link
    except signing.SignatureExpired as expired:
        raise Invalid(
            gettext("This invitation has expired. Ask for a new one."), code="invitation_expired"
        ) from expired
    except (signing.BadSignature, TypeError, ValueError) as forged:  # or not [id, sent]
        raise Invalid(
            gettext("This invitation link is not valid."), code="invitation_invalid"
        ) from forged
    invitations = Invitation.objects.select_related("organisation", "invited_by")
    if lock:
        invitations = invitations.select_for_update(no_key=True, of=("self",))
    invitation = invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Invalid(gettext("This invitation link is not valid."), code="invitation_invalid")
    if invitation.accepted_at is not None:
        replayed = (
            replayed_by is not None
            and invitation.accepted_by_id == replayed_by.pk
            and timezone.now() - invitation.accepted_at < ACCEPTANCE_REPLAYED_WITHIN
        )
        if replayed:
            return invitation
        raise Conflict(gettext("This invitation has already been used."), code="invitation_used")
    if invitation.withdrawn_at is not None:
        raise Invalid(
            gettext("This invitation was withdrawn. Ask the organisation for a new one."),
            code="invitation_withdrawn",
        )
    if sent is None:
        # Good unless the invitation was sent again (perhaps in another role) after the link was
        # made: its signature carries when, in whole seconds.
        made = signing.b62_decode(token.rsplit(":", 2)[-2])
        replaced = made < int(invitation.sent_at.timestamp())
    else:
        replaced = sent != invitation.sent_at.isoformat(timespec="microseconds")
    if replaced:
        raise Invalid(
            gettext("This invitation was sent again since. Use the link in the latest email."),
            code="invitation_replaced",
        )
    return invitation


@retry_on_conflict
def invitation_accept(*, actor, token: str) -> StaffMembership:
    """The person who followed the link joins the staff; each link works once. Accepting it
    again as the person who did (a double tap, Back and send) is the same acceptance."""
    invitation = invitation_open(token, lock=True, replayed_by=actor)
    if invitation.accepted_at is not None:
        # The same acceptance, while its role stands: one removed meanwhile is not given back.
        membership = StaffMembership.objects.filter(
            organisation=invitation.organisation, user=actor, role=invitation.role
        ).first()
        if membership is None:
            raise Conflict(
                gettext("This invitation has already been used."), code="invitation_used"
            )
        return membership
    membership, _ = StaffMembership.objects.get_or_create(
        organisation=invitation.organisation, user=actor, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation not yet accepted, so its link stops working; withdrawing it again
    changes nothing."""
    invitation = Invitation.objects.select_for_update(no_key=True).get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict(
            gettext(
                "%(email)s has already joined. To take their place away, remove them from the "
                "staff."
            )
            % {"email": invitation.email},
            code="invitation_used",
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


@transaction.atomic
def staff_remove(*, membership: StaffMembership, removed_by) -> None:
    """Take a role in an organisation's staff away; its holder loses what the role allowed at
    once. An organisation keeps at least one admin, however many are removed at once, and an
    admin removed meanwhile removes nobody (platform staff aside)."""
    admins = StaffMembership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=StaffMembership.Role.ORG_ADMIN
    )
    # Every admin's row is locked first, in one order, so two admins removing each other at
    # once are served one after the other, and the second is refused.
    locked = list(admins.order_by("pk").values_list("pk", "user_id"))
    admin_ids = [pk for pk, _ in locked]
    if not removed_by.is_superuser and removed_by.pk not in {user for _, user in locked}:
        raise Conflict(
            gettext("You were removed as admin meanwhile, by someone else. Nothing was changed."),
            code="no_longer_admin",
        )
    if membership.role == StaffMembership.Role.ORG_ADMIN and admin_ids == [membership.pk]:
        raise Conflict(
            gettext(
                "An organisation needs at least one admin. Invite someone else as organisation "
                "admin first."
            ),
            code="last_admin",
        )
    StaffMembership.objects.filter(pk=membership.pk).delete()


def invitations_forget_email(*, email: str) -> None:
    """A person closing their account is forgotten by the invitations addressed to them too: one
    still open is withdrawn, so its link stops working; an accepted one keeps who accepted it
    (their pseudonymous account) and loses the address."""
    if not email:
        return
    addressed = Invitation.objects.filter(email__iexact=email)
    addressed.filter(accepted_at__isnull=True).delete()
    addressed.update(email="")
