"""The signed-in home: an app screen that leads each person to their work, not a list of links.

A member sees their own part first (members.use_cases.member_home); then each organisation they
work for gets one section, and each programme one card, holding what their roles there allow
(the permission matrix decides, read against the roles the person holds, which are read once):

- running sessions (coordinators, organisation admins of a group): today's sessions with how
  many checked in, the time waiting for verification, the sessions page;
- a venue's till (venue staff, organisation admins of a venue): the scanner first, today's
  redemptions, the offers and the statement;
- the organisation's admin: its staff, its settings page, and this month's own figures (also
  for coordinators, who may read them);
- a programme's admin: organisations waiting for approval and the programme's tools;
- a programme's report readers (admins and commissioners): the last 12 months' headline
  figures, suppressed exactly as the dashboard's, and the way into the dashboard.

Every read is one query for all the sections (or one report per organisation or programme), never
one per row.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from partners.selectors import (
    organisations_by_ids,
    organisations_staff,
    pending_participations_count,
)
from timecredits.activities.selectors import sessions_during, time_waiting
from timecredits.members.use_cases import (
    Navigation,
    member_home,
    person_roles,
    user_navigation,
)
from timecredits.permissions import MATRIX, Action, Role
from timecredits.programmes.selectors import organisation_programmes
from timecredits.reports.dashboard import FIGURES, shown
from timecredits.reports.outputs.selectors.rollups import standard_periods
from timecredits.reports.periods import month_bounds
from timecredits.reports.use_cases.outputs import organisation_report, programme_report
from timecredits.spending.selectors import venues_redemptions_on

# The headline figures a home shows of a report, in this order.
ORGANISATION_FIGURES = ("hours_given", "active_members", "sessions_held")
PROGRAMME_FIGURES = ("hours_given", "active_members", "credits_earned_minutes", "sessions_held")


def _may(roles: set[str], action: Action) -> bool:
    return bool({Role(r) for r in roles} & MATRIX[action])


@dataclass
class OrganisationWork:
    """One organisation's section of a home: what the person's roles there let them do."""

    organisation: object
    roles: list[str]  # the labels of their roles there
    runs_sessions: bool = False
    verifies: bool = False
    redeems: bool = False
    manages_offers: bool = False
    reads_statement: bool = False
    admin: bool = False  # its staff and settings
    reads_figures: bool = False
    sessions_today: list = field(default_factory=list)
    waiting: dict | None = None  # people, entries, minutes
    redemptions_today: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    figures: list = field(default_factory=list)  # [(programme, [figure, ...]), ...]


@dataclass
class ProgrammeWork:
    """One programme's card of a home."""

    programme_id: int
    name: str
    roles: list[str]
    admin: bool = False
    reads_reports: bool = False
    approvals_waiting: int = 0
    figures: list = field(default_factory=list)
    period: tuple | None = None  # the figures' first and last day

    @property
    def period_query(self) -> str:
        """The reports' query for the figures' period, so that a link shows the same dates."""
        if self.period is None:
            return ""
        start, end = self.period
        return f"period=custom&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"


@dataclass(frozen=True)
class Home:
    navigation: Navigation
    member: object
    member_part: dict
    organisations: list[OrganisationWork]
    programmes: list[ProgrammeWork]
    platform_staff: bool
    today: datetime.date


def _headline(report: dict, keys) -> list[dict]:
    """The report's figures named by `keys`, each `shown` as the dashboard shows it (grouped
    by thousands in the reader's language; credits, not ledger minutes)."""
    by_key = {figure["key"]: figure for figure in report["figures"]}
    units = {key: unit for key, _, unit in FIGURES}
    return [{**by_key[key], "shown": shown(by_key[key]["value"], units[key])} for key in keys]


def _organisation_sections(actor, grants, today) -> list[OrganisationWork]:
    held: dict[int, list] = {}
    for grant in grants:
        if grant.scope == "organisation":
            held.setdefault(grant.scope_id, []).append(grant)
    if not held:
        return []
    organisations = organisations_by_ids(ids=held)
    sections = []
    for organisation_id, its_grants in held.items():
        organisation = organisations[organisation_id]
        roles = {g.role for g in its_grants}
        group, venue = organisation.gives_credits, organisation.accepts_credits
        sections.append(
            OrganisationWork(
                organisation=organisation,
                roles=[g.label for g in its_grants],
                runs_sessions=group and _may(roles, Action.ORGANISATION_ACTIVITIES_MANAGE),
                verifies=group and _may(roles, Action.ORGANISATION_CONTRIBUTIONS_VERIFY),
                redeems=venue and _may(roles, Action.ORGANISATION_REDEEM),
                manages_offers=venue and _may(roles, Action.ORGANISATION_OFFERS_MANAGE),
                reads_statement=venue and _may(roles, Action.ORGANISATION_STATEMENT_VIEW),
                admin=_may(roles, Action.ORGANISATION_EDIT),
                reads_figures=group and _may(roles, Action.ORGANISATION_REPORTS_VIEW),
            )
        )
    _fill_organisations(actor, sections, today)
    return sections


def _fill_organisations(actor, sections: list[OrganisationWork], today) -> None:
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    running = [s.organisation.pk for s in sections if s.runs_sessions]
    verifying = [s.organisation.pk for s in sections if s.verifies]
    redeeming = [s.organisation.pk for s in sections if s.redeems]
    administered = [s.organisation.pk for s in sections if s.admin]
    sessions = sessions_during(organisation_ids=running, start=start, end=end) if running else []
    waiting = time_waiting(organisation_ids=verifying) if verifying else {}
    redemptions = venues_redemptions_on(venue_ids=redeeming, day=today) if redeeming else []
    staff = organisations_staff(organisation_ids=administered) if administered else {}
    month = month_bounds(f"{today.year}-{today.month}")
    for section in sections:
        pk = section.organisation.pk
        section.sessions_today = [s for s in sessions if s.activity.organisation_id == pk]
        section.waiting = waiting.get(pk) if section.verifies else None
        section.redemptions_today = [r for r in redemptions if r.organisation_id == pk]
        section.staff = staff.get(pk, [])
        if section.reads_figures:
            section.figures = [
                (
                    programme,
                    _headline(
                        organisation_report(
                            actor=actor,
                            organisation_id=pk,
                            programme_id=programme.pk,
                            period_start=month[0],
                            period_end=min(month[1], today),
                        ),
                        ORGANISATION_FIGURES,
                    ),
                )
                for programme in organisation_programmes(organisation=section.organisation)
            ]


def _programme_sections(actor, grants, today) -> list[ProgrammeWork]:
    held: dict[int, list] = {}
    for grant in grants:
        if grant.scope == "programme":
            held.setdefault(grant.scope_id, []).append(grant)
    sections = []
    for programme_id, its_grants in held.items():
        roles = {g.role for g in its_grants}
        sections.append(
            ProgrammeWork(
                programme_id=programme_id,
                name=its_grants[0].scope_name,
                roles=[g.label for g in its_grants],
                admin=_may(roles, Action.PROGRAMME_ORGANISATIONS_REVIEW),
                reads_reports=_may(roles, Action.PROGRAMME_REPORTS_VIEW),
            )
        )
    administered = [s.programme_id for s in sections if s.admin]
    waiting = pending_participations_count(programme_ids=administered) if administered else {}
    twelve_months = standard_periods(today)[0]
    for section in sections:
        section.approvals_waiting = waiting.get(section.programme_id, 0)
        if section.reads_reports:
            report = programme_report(
                actor=actor,
                programme_id=section.programme_id,
                period_start=twelve_months[0],
                period_end=twelve_months[1],
            )
            section.figures = _headline(report, PROGRAMME_FIGURES)
            section.period = twelve_months
    return sections


def home_page(*, actor) -> Home:
    """The signed-in person's home. Everything shown is the person's own or their roles' (each
    section is built from the roles they hold, through the permission matrix, and each report
    through its own use case, which checks again)."""
    roles = person_roles(actor=actor)
    today = timezone.localdate()
    return Home(
        navigation=user_navigation(actor=actor, roles=roles),
        member=roles.member,
        member_part=member_home(member=roles.member) if roles.member else {},
        organisations=_organisation_sections(actor, roles.grants, today),
        programmes=_programme_sections(actor, roles.grants, today),
        platform_staff=any(g.role == "platform_staff" for g in roles.grants),
        today=today,
    )
