"""Reads about people: who someone is and which roles they hold where."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.selectors import account_transfers, member_account
from partners.selectors import STAFF_ROLE_LABELS, user_staff_memberships
from timecredits.programmes.selectors import PROGRAMME_ROLE_LABELS, user_programme_roles

from .models import DEMOGRAPHICS, Member
from .models import MEMBER_CODE_ALPHABET as MEMBER_CODE_ALPHABET  # redemption codes share it

ROLE_LABELS = {
    "platform_staff": _("Platform staff"),
    "member": _("Member"),
    **PROGRAMME_ROLE_LABELS,
    **STAFF_ROLE_LABELS,
}


@dataclass(frozen=True)
class RoleGrant:
    role: str
    scope: str  # "programme", "organisation" or "platform"
    scope_id: int | None
    scope_name: str

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


def member_for_user(*, user) -> Member | None:
    return Member.objects.select_related("programme").filter(user=user).first()


def live_member_for_user(*, user) -> Member | None:
    """The user's member profile unless they closed it: a closed one is gone for them."""
    member = member_for_user(user=user)
    return member if member is not None and member.closed_at is None else None


def registered_member(*, organisation, member_id: int) -> Member | None:
    """A live member this organisation registered (and so may print cards for)."""
    return Member.objects.filter(
        pk=member_id, registered_by_organisation=organisation, closed_at__isnull=True
    ).first()


def members_with_email(*, member_ids) -> set[int]:
    """Which of these members have an email address to write to."""
    return set(
        Member.objects.filter(pk__in=member_ids)
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )


def user_roles(*, user) -> list[RoleGrant]:
    """Every role the user holds, platform staff first, then programmes, then organisations."""
    grants = []
    if user.is_superuser:
        grants.append(RoleGrant("platform_staff", "platform", None, ""))
    grants += [
        RoleGrant(r.role, "programme", r.programme_id, r.programme.name)
        for r in user_programme_roles(user=user)
    ]
    grants += [
        RoleGrant(s.role, "organisation", s.organisation_id, s.organisation.name)
        for s in user_staff_memberships(user=user)
    ]
    if Member.objects.filter(user=user).exists():
        grants.append(RoleGrant("member", "platform", None, ""))
    return grants


def member_data_export(*, member: Member) -> dict:
    """Everything held about a member, as they would want to download it."""
    user = member.user
    return {
        "exported_at": timezone.now().isoformat(),
        "member": {
            "code": member.code,
            "programme": member.programme.name,
            "joined_at": member.joined_at.isoformat(),
            "new_to_volunteering": member.new_to_volunteering,
            "registered_by_organisation": (
                member.registered_by_organisation.name
                if member.registered_by_organisation
                else None
            ),
        },
        "profile": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "demographics": {field: getattr(member, field) for field in DEMOGRAPHICS},
        "consents": {
            "terms_accepted_at": member.terms_accepted_at.isoformat(),
            "reports": member.reports_consent,
            "surveys": member.surveys_consent,
            "history": [
                {
                    "purpose": r.purpose,
                    "granted": r.granted,
                    "recorded_at": r.recorded_at.isoformat(),
                    "recorded_by_coordinator": r.recorded_by_id is not None,
                }
                for r in member.consent_records.all()
            ],
        },
        "roles": {
            "organisations": [
                {"organisation": s.organisation.name, "role": s.role}
                for s in user_staff_memberships(user=user)
            ],
            "programmes": [
                {"programme": r.programme.name, "role": r.role}
                for r in user_programme_roles(user=user)
            ],
        },
        "contributions": _contributions_export(member),
        "credits": _credits_export(member),
        "redemptions": [
            {
                "offer": r.offer.title,
                "venue": r.organisation.name,
                "status": r.status,
                "method": r.method,
                "cost_minutes": r.cost_minutes,
                "created_at": _iso(r.created_at),
                "expires_at": _iso(r.expires_at),
                "completed_at": _iso(r.completed_at),
                "cancelled_at": _iso(r.cancelled_at),
            }
            for r in member.redemptions.select_related("offer", "organisation").order_by("pk")
        ],
        "survey_answers": [
            {
                "question": r.question.text,
                "wave": r.wave,
                "value": r.value,
                "number": r.number,
                "answered_at": _iso(r.answered_at),
            }
            for r in member.survey_responses.select_related("question").order_by("pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in member.notifications.order_by("pk")
        ],
        "emails_turned_off": sorted(member.email_opt_outs.values_list("kind", flat=True)),
        "expiry_warnings": [
            {
                "minutes": w.minutes,
                "last_activity_at": _iso(w.last_activity_at),
                "expires_at": _iso(w.expires_at),
                "warned_at": _iso(w.warned_at),
            }
            for w in member.expiry_warnings.order_by("pk")
        ],
    }


def _iso(moment):
    return moment.isoformat() if moment else None


def _contributions_export(member: Member) -> list[dict]:
    """Each contribution with its history; who decided is another person's data, so it is left
    out, as the member sees it on their own pages."""
    contributions = member.contributions.select_related(
        "session__activity__organisation"
    ).prefetch_related("events")
    return [
        {
            "activity": c.session.activity.title,
            "organisation": c.session.activity.organisation.name,
            "session_starts_at": c.session.starts_at.isoformat(),
            "method": c.method,
            "checked_in_at": _iso(c.checked_in_at),
            "checked_out_at": _iso(c.checked_out_at),
            "minutes": c.minutes,
            "status": c.status,
            "note": c.note,
            "history": [
                {
                    "action": e.action,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "minutes_before": e.minutes_before,
                    "minutes_after": e.minutes_after,
                    "reason": e.reason,
                    "at": _iso(e.at),
                }
                for e in c.events.all()
            ],
        }
        for c in contributions.order_by("pk")
    ]


def _credits_export(member: Member) -> dict:
    account = member_account(member=member)
    transfers = account_transfers(account=account)
    return {
        "unit": "minutes (60 minutes = 1 credit)",
        "balance": account.balance,
        "on_hold": account.debits_pending,
        "transfers": [
            {
                "id": t.pk,
                "posted_at": t.posted_at.isoformat(),
                "kind": t.kind,
                "phase": t.phase,
                "amount": t.amount if t.credit_account_id == account.pk else -t.amount,
                "balance_after": (
                    t.credit_balance_after
                    if t.credit_account_id == account.pk
                    else t.debit_balance_after
                ),
                "memo": t.memo,
            }
            for t in transfers
        ],
    }


# --- credits: finding and locking the members credits move between ---

AgeBand = Member.AgeBand


def member_by_code(*, code: str) -> Member | None:
    return Member.objects.filter(code=code).first()


def member_get_or_none(*, member_id: int) -> Member | None:
    return Member.objects.filter(pk=member_id).first()


def members_lock(*, member_ids: list[int]) -> dict:
    """Lock the members' rows, lower pk first, and say when each closed (None: open)."""
    return dict(
        Member.objects.select_for_update(no_key=True)
        .filter(pk__in=member_ids)
        .order_by("pk")
        .values_list("pk", "closed_at")
    )


# --- act: the members that check-ins, attendance and pages for members read ---
def member_open(*, member_id: int) -> Member | None:
    """A member whose account is open, by id."""
    return Member.objects.filter(pk=member_id, closed_at__isnull=True).first()


def members_open_by_code(*, codes) -> list[Member]:
    return list(Member.objects.filter(code__in=codes, closed_at__isnull=True))


def member_lock(*, member_id: int) -> Member:
    """The member's row, locked in the caller's transaction: it serialises one member's writes
    (their contributions, say) so that checks across them cannot race."""
    return Member.objects.select_for_update(no_key=True).get(pk=member_id)


# --- reports: the members report figures count, and the answers they filter on ---

AgeBand = Member.AgeBand
Gender = Member.Gender
Ethnicity = Member.Ethnicity
YesNo = Member.YesNo
Employment = Member.Employment


def member_rows():
    """Every member, as a QuerySet for figures that filter and count them in the database
    (reports)."""
    return Member.objects.all()


# --- spend: the members an organisation registered ---


def members_registered_by(*, organisation):
    """The members an organisation registered, for its coordinators."""
    return Member.objects.filter(registered_by_organisation=organisation).select_related("user")
