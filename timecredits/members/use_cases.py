"""What people do about themselves, for pages and the API alike: joining, their profile, consents,
answers, data, card, credits and closing their account; who the signed-in person is (and their
home page); and coordinators registering someone and replacing the card of someone they
registered. Each use case takes the acting user, checks permission once, loads what it needs
and returns what the caller renders.

Someone without a (live) member profile finds no member pages (404, see decorators.py, before any
use case runs), no credit history and no notifications (404, from `own_member`); the member API's
profile actions answer them 403, from the permission checked here.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ledger.selectors import (
    Balance,
    StatementLine,
    account_balance,
    member_account,
    transfer_history,
)
from partners.selectors import organisation_get, programme_groups, user_venue_ids
from timecredits.activities.selectors import (
    member_minutes_given,
    member_upcoming_sessions,
    open_checkin,
)
from timecredits.credits.selectors import HistoryEntry, member_history
from timecredits.errors import Invalid, NotAuthenticated, NotFound
from timecredits.permissions import Action, permitted_organisation, require
from timecredits.programmes.selectors import programme_by_slug, programme_get, programme_newest
from timecredits.surveys.selectors import surveys_due

from . import selectors, services
from .models import Member
from .throttle import signup_rate_limit

if TYPE_CHECKING:
    from timecredits.programmes.models import Programme


def own_member(*, actor) -> Member:
    """The actor's own member profile: someone without one, or whose account is closed, has
    none to act on."""
    member = selectors.live_member_for_user(user=actor)
    if member is None:
        raise NotFound(_("You do not have a member profile."))
    return member


def _member_acting(actor, action: Action) -> Member:
    require(actor, action)
    return own_member(actor=actor)


# --- Joining ---


def join_programme() -> "Programme":
    """The programme the join page offers: the newest."""
    programme = programme_newest()
    if programme is None:
        raise NotFound(_("There is no programme to join yet."))
    return programme


def member_sign_up(
    *,
    client: str,
    programme_slug: str,
    details: dict | None,
    demographics: dict | None = None,
) -> Member | None:
    """Someone joins the programme `programme_slug` names from their own phone. Every attempt
    from the `client` network counts towards its hourly limit, even one whose form was refused
    (then `details` is None and nothing is written), so that a script cannot probe for free."""
    signup_rate_limit(client)
    programme = programme_by_slug(slug=programme_slug)
    if programme is None:
        raise NotFound(_("There is no such programme."), code="programme_not_found")
    if details is None:
        return None
    return services.member_sign_up(programme=programme, **details, demographics=demographics)


# --- The signed-in person ---


@dataclass(frozen=True)
class Person:
    user: object
    member: Member | None
    roles: list[selectors.RoleGrant]


def signed_in_person(*, actor) -> Person:
    return Person(actor, selectors.member_for_user(user=actor), selectors.user_roles(user=actor))


HOME_RECENT = 5  # the latest things that happened to a member's credits, on their home page


@dataclass(frozen=True)
class PersonRoles:
    """Who the signed-in person is, read once for a request: their live member profile (or
    None), every role they hold, and the venues whose staff they are."""

    member: Member | None
    grants: list[selectors.RoleGrant]
    venue_ids: set[int]


def person_roles(*, actor) -> PersonRoles:
    return PersonRoles(
        member=selectors.live_member_for_user(user=actor),
        grants=selectors.user_roles(user=actor),
        venue_ids=user_venue_ids(user=actor),
    )


def member_home(*, member: Member) -> dict:
    """The member's part of their home: their balance (to spend, on hold, hours given this
    month), a survey waiting, their open check-in, their groups' sessions in the next week and
    their latest credits. Only ever their own (the home reads the signed-in person's profile)."""
    now = timezone.now()
    month_start = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now).replace(day=1), datetime.time())
    )
    return {
        "survey_due": bool(surveys_due(member, now)),
        "balance": account_balance(account=member_account(member=member)),
        "minutes_this_month": member_minutes_given(member=member, start=month_start, end=now),
        "open_checkin": open_checkin(member=member),
        "upcoming": member_upcoming_sessions(member=member, now=now),
        "recent": member_history(member=member, limit=HOME_RECENT + 5).entries[:HOME_RECENT],
    }


@dataclass(frozen=True)
class Navigation:
    """Where the signed-in person's navigation takes them: their own member pages (if they are a
    member), and the first place of each kind of work they do."""

    member: bool
    coordinates: int | None  # an organisation whose sessions they run
    venue: int | None  # a venue whose codes they redeem
    programme: int | None  # a programme they administer
    reports: int | None  # a programme whose reports they read


def user_navigation(*, actor, roles: PersonRoles | None = None) -> Navigation:
    """The tab bar's destinations, for every page: nothing here needs a permission (each page
    checks its own), it only chooses which links to show. `roles`: the person's, when the
    caller has read them already (the home page)."""
    roles = roles or person_roles(actor=actor)
    grants, venue_ids = roles.grants, roles.venue_ids

    def first(predicate) -> int | None:
        return next((g.scope_id for g in grants if predicate(g)), None)

    return Navigation(
        member=roles.member is not None,
        coordinates=first(
            lambda g: g.scope == "organisation" and g.role in ("coordinator", "org_admin")
        ),
        venue=first(
            lambda g: (
                g.scope == "organisation" and g.scope_id in venue_ids and g.role != "coordinator"
            )
        ),
        programme=first(lambda g: g.role == "programme_admin"),
        reports=first(lambda g: g.role in ("programme_admin", "commissioner")),
    )


def user_sign_out_everywhere(*, actor) -> None:
    services.user_sign_out_everywhere(user=actor)


def user_choose_language(*, actor, language: str) -> None:
    """Anyone signed in keeps their own choice of language on their account."""
    if actor is None or not actor.is_authenticated:
        raise NotAuthenticated()
    services.user_set_language(user=actor, language=language)


# --- A member's own profile ---


def member_profile(*, actor) -> Member:
    return _member_acting(actor, Action.OWN_PROFILE)


def member_profile_page(*, actor) -> dict:
    member = _member_acting(actor, Action.OWN_PROFILE)
    return {
        "member": member,
        "balance": account_balance(account=member_account(member=member)),
        "survey_due": bool(surveys_due(member, timezone.now())),
    }


def member_update_profile(
    *, actor, first_name: str, last_name: str, email: str, phone: str
) -> Member:
    return services.member_update_profile(
        member=_member_acting(actor, Action.OWN_PROFILE),
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
    )


def member_set_consents(*, actor, reports: bool, surveys: bool) -> Member:
    member = _member_acting(actor, Action.OWN_PROFILE)
    return services.member_set_consents(member=member, reports=reports, surveys=surveys)


def member_set_demographics(*, actor, demographics: dict) -> Member:
    member = _member_acting(actor, Action.OWN_PROFILE)
    return services.member_set_demographics(member=member, demographics=demographics)


def member_data_export(*, actor) -> dict:
    return selectors.member_data_export(member=_member_acting(actor, Action.OWN_DATA_EXPORT))


def member_card_replace(*, actor) -> Member:
    """The member replaces their own card (see services.member_card_replace)."""
    member = _member_acting(actor, Action.OWN_PROFILE)
    return services.member_card_replace(actor=actor, member=member)


@dataclass(frozen=True)
class CreditHistory:
    balance: Balance
    lines: list[StatementLine]
    next_before: int | None  # pass as `before` for the next, older page


def member_credit_history(*, actor, before: int | None = None, limit: int = 50) -> CreditHistory:
    """The member's balance, then their transfers newest first, `limit` at a time."""
    account = member_account(member=own_member(actor=actor))
    lines = transfer_history(account=account, before=before, limit=limit)
    return CreditHistory(
        balance=account_balance(account=account),
        lines=lines,
        next_before=lines[-1].transfer.pk if len(lines) == limit else None,
    )


@dataclass(frozen=True)
class HistoryDay:
    label: str  # "Today", "Yesterday", "Tuesday 1 December"
    day: datetime.date
    entries: list[HistoryEntry]


def member_history_page(*, actor, before: int | None = None, limit: int = 50) -> dict:
    """The member's credits page: their balance, then what happened to their credits in plain
    words, newest first and grouped by day, `limit` transfers at a time."""
    member = own_member(actor=actor)
    history = member_history(member=member, before=before, limit=limit)
    return {
        "balance": account_balance(account=member_account(member=member)),
        "days": history_by_day(history.entries, today=timezone.localdate()),
        "older": history.next_before,
    }


def history_by_day(entries: list[HistoryEntry], *, today: datetime.date) -> list[HistoryDay]:
    """Entries (newest first) under one heading per local day."""
    days: list[HistoryDay] = []
    for entry in entries:
        day = timezone.localdate(entry.at)
        if not days or days[-1].day != day:
            days.append(HistoryDay(_day_label(day, today), day, []))
        days[-1].entries.append(entry)
    return days


def _day_label(day: datetime.date, today: datetime.date) -> str:
    if day == today:
        return _("Today")
    if day == today - datetime.timedelta(days=1):
        return _("Yesterday")
    return date_format(day, "l j F" if day.year == today.year else "l j F Y")


# --- Closing an account ---


def member_closing_page(*, actor) -> dict:
    """What the member sees before closing: their balance, and the groups they may leave it to."""
    member = _member_acting(actor, Action.OWN_ACCOUNT_CLOSE)
    return {
        "member": member,
        "pools": programme_groups(programme=member.programme_id),
        "balance": account_balance(account=member_account(member=member)),
    }


def member_close(*, actor, confirm: bool, donate_to_organisation_id: int | None = None) -> Member:
    """Close the actor's account; what they hold goes to the group they name, one of their
    programme's, or else to the programme's pool (see services.member_close)."""
    member = _member_acting(actor, Action.OWN_ACCOUNT_CLOSE)
    donate_to = None
    if donate_to_organisation_id is not None:
        pools = {pool.pk: pool for pool in programme_groups(programme=member.programme_id)}
        donate_to = pools.get(donate_to_organisation_id)
        if donate_to is None:
            raise Invalid(
                _("Choose a group in your programme, or leave your credits to the programme."),
                detail=[{"field": "donate_to_organisation_id", "message": _("Not a group here.")}],
            )
    return services.member_close(member=member, confirm=confirm, donate_to=donate_to)


# --- Coordinators: people without a smartphone or email ---


def member_register_assisted(
    *, actor, organisation_id: int, programme_id: int, **details
) -> Member:
    """A coordinator registers someone in a programme their group is approved in (see
    services.member_register_assisted for the details it takes)."""
    organisation = organisation_get(organisation_id=organisation_id)
    programme = programme_get(programme_id=programme_id)
    require(actor, Action.ORGANISATION_MEMBER_REGISTER, organisation=organisation)
    return services.member_register_assisted(
        actor=actor, organisation=organisation, programme=programme, **details
    )


def organisation_member_card_replace(*, actor, organisation_id: int, member_id: int) -> Member:
    """A coordinator prints a new card for a member their group registered who lost theirs.
    Permission first, so a stranger learns nothing about who is registered."""
    organisation = permitted_organisation(actor, Action.ORGANISATION_MEMBER_CARD, organisation_id)
    member = selectors.registered_member(organisation=organisation, member_id=member_id)
    if member is None:
        raise NotFound(_("This group registered no such member."), code="member_not_found")
    return services.member_card_replace(actor=actor, member=member)
