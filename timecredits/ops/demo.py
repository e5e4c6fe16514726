"""Demo data: one programme, its groups and venues, a person for each role, a few weeks of activity.

Everything is found or created by a natural key, and activity is generated only for an activity
that has no sessions yet, so seeding twice leaves the database as seeding once did.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from partners.models import Organisation, Participation, StaffMembership
from timecredits.activities.models import Activity, Contribution, Session
from timecredits.activities.services.earning import earnings_of
from timecredits.credits.services.accounts import (
    member_account_open,
    organisation_account_open,
    programme_accounts_open,
)
from timecredits.credits.services.earning import earnings_post
from timecredits.members.models import Member
from timecredits.programmes.models import Programme, ProgrammeRole
from timecredits.programmes.services import credits_allocate
from timecredits.spending.models import Offer
from timecredits.surveys.instruments import (
    LONELINESS_DIRECT,
    ONS4,
    UCLA3,
    load_built_in_instruments,
)
from timecredits.surveys.models import Instrument, SurveySchedule

DEMO_PASSWORD = "demo-time-credits"  # noqa: S105 - published demo logins, for `make run` only
WEEKS_OF_ACTIVITY = 4
DEMO_BUDGET_CREDITS = 200  # each group's opening budget

ORGANISATIONS = [
    ("riverside-lunch-club", "Riverside Lunch Club", Organisation.Kind.GROUP),
    ("northfield-food-bank", "Northfield Food Bank", Organisation.Kind.GROUP),
    ("canal-friends", "Friends of the Canal", Organisation.Kind.BOTH),
    ("riverside-leisure-centre", "Riverside Leisure Centre", Organisation.Kind.VENUE),
    ("eastgate-cinema", "Eastgate Community Cinema", Organisation.Kind.VENUE),
]
PENDING_ORGANISATION = ("riverside-repair-cafe", "Riverside Repair Café", Organisation.Kind.GROUP)

ACTIVITIES = [
    # organisation, title, type, category, weekday, start hour, hours
    ("riverside-lunch-club", "Lunch club kitchen", "formal_volunteering", "food", 1, 11, 3),
    ("riverside-lunch-club", "Telephone befriending", "befriending", "loneliness", 3, 14, 1),
    ("northfield-food-bank", "Food bank shift", "formal_volunteering", "food", 5, 9, 4),
    ("canal-friends", "Towpath litter pick", "community_organising", "environment", 6, 10, 2),
    ("canal-friends", "Walking group peer support", "peer_support", "health", 2, 18, 2),
]

OFFERS = [
    # venue, title, cost in minutes, category, other details
    (
        "riverside-leisure-centre",
        "Swim session",
        60,
        "leisure",
        {
            "capacity": 20,
            "capacity_period": "day",
            "member_limit": 2,
            "member_limit_period": "week",
            "accessibility": "Step-free access, pool hoist, accessible changing room.",
        },
    ),
    (
        "riverside-leisure-centre",
        "Gym induction",
        120,
        "health",
        {"days_of_week": 0b0011111, "member_limit": 1, "member_limit_period": "month"},
    ),
    (
        "eastgate-cinema",
        "Cinema ticket",
        120,
        "culture",
        {"capacity": 10, "capacity_period": "day", "description": "Any film, any screening."},
    ),
    ("canal-friends", "Guided canal walk", 60, "learning", {"days_of_week": 0b1100000}),
]

# username, first name, last name, role
PROGRAMME_STAFF = [
    ("programme", "Priya", "Shah", ProgrammeRole.Role.ADMIN),
    ("commissioner", "Colin", "Matthews", ProgrammeRole.Role.COMMISSIONER),
]
# organisation, username, first name, last name, role
ORGANISATION_STAFF = [
    ("riverside-lunch-club", "coordinator", "Rosa", "Lewis", StaffMembership.Role.COORDINATOR),
    ("riverside-lunch-club", "groupadmin", "Gareth", "Owen", StaffMembership.Role.ORG_ADMIN),
    ("riverside-leisure-centre", "venue", "Tom", "Baker", StaffMembership.Role.VENUE_STAFF),
]

# Members, by first and last name; each signs in as their first name in lower case.
MEMBERS = [
    "Amira Hassan",
    "Ben Okafor",
    "Carys Jones",
    "Dev Patel",
    "Ela Nowak",
    "Femi Adeyemi",
    "Gwen Roberts",
    "Hamid Karimi",
    "Iris Walsh",
    "Jon Evans",
    "Kay Brennan",
    "Lin Zhou",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


def _user(username, first, last, **flags):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            **flags,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_demo(*, now: datetime.datetime | None = None) -> list[DemoLogin]:
    now = now or timezone.now()
    programme, _ = Programme.objects.get_or_create(
        slug="riverside",
        defaults={
            "name": "Riverside Time Credits",
            "area": "Riverside",
            "starts_on": (now - datetime.timedelta(weeks=WEEKS_OF_ACTIVITY + 4)).date(),
        },
    )
    programme_accounts_open(programme=programme)
    _seed_surveys(programme)
    organisations = {}
    for slug, name, kind in ORGANISATIONS:
        organisations[slug] = _organisation(slug, name, kind)
        Participation.objects.get_or_create(
            programme=programme,
            organisation=organisations[slug],
            defaults={"status": Participation.Status.APPROVED, "decided_at": now},
        )
    Participation.objects.get_or_create(
        programme=programme, organisation=_organisation(*PENDING_ORGANISATION)
    )

    _user("admin", "Platform", "Admin", is_staff=True, is_superuser=True)
    for username, first, last, role in PROGRAMME_STAFF:
        ProgrammeRole.objects.get_or_create(
            programme=programme, user=_user(username, first, last), role=role
        )
    for slug, username, first, last, role in ORGANISATION_STAFF:
        StaffMembership.objects.get_or_create(
            organisation=organisations[slug], user=_user(username, first, last), role=role
        )

    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    members = []
    for index, name in enumerate(MEMBERS):
        first, last = name.split()
        member, created = Member.objects.get_or_create(
            user=_user(first.lower(), first, last),
            defaults={
                "programme": programme,
                "new_to_volunteering": index % 3 == 0,
                "terms_accepted_at": now,
                "reports_consent": index % 5 != 4,
                "surveys_consent": index % 4 != 3,
            },
        )
        if created:
            member_account_open(member=member)
        members.append(member)

    contributions = []
    for slug, title, type_, category, weekday, hour, hours in ACTIVITIES:
        activity, _ = Activity.objects.get_or_create(
            organisation=organisations[slug],
            title=title,
            defaults={"programme": programme, "type": type_, "category": category},
        )
        if not activity.sessions.exists():
            contributions += _seed_sessions(
                activity, members, now=now, weekday=weekday, hour=hour, hours=hours, rng=rng
            )

    _post_credits(programme, organisations, contributions)
    _seed_offers(organisations)

    return [
        DemoLogin("platform staff (Django admin)", "admin", DEMO_PASSWORD),
        DemoLogin("programme admin", "programme", DEMO_PASSWORD),
        DemoLogin("commissioner", "commissioner", DEMO_PASSWORD),
        DemoLogin("organisation admin (Riverside Lunch Club)", "groupadmin", DEMO_PASSWORD),
        DemoLogin("coordinator (Riverside Lunch Club)", "coordinator", DEMO_PASSWORD),
        DemoLogin("venue staff (Riverside Leisure Centre)", "venue", DEMO_PASSWORD),
        DemoLogin("member", "amira", DEMO_PASSWORD),
    ]


def _seed_surveys(programme) -> None:
    """The built-in instruments, and a first schedule the demo admin can change (seeded once)."""
    load_built_in_instruments()
    schedule, created = SurveySchedule.objects.get_or_create(
        programme=programme, defaults={"follow_up_months": [3, 6, 12]}
    )
    if created:
        keys = [ONS4, UCLA3, LONELINESS_DIRECT]
        schedule.instruments.set(Instrument.objects.filter(built_in=True, key__in=keys))


def _seed_offers(organisations) -> None:
    """A few offers at the demo venues, found by venue and title so a second run adds none."""
    for slug, title, minutes, category, details in OFFERS:
        venue = organisations[slug]
        offer, created = Offer.objects.get_or_create(
            organisation=venue,
            title=title,
            defaults={"cost_minutes": minutes, "category": category, **details},
        )
        if created:
            offer.programmes.set(venue.programmes.all())


def _organisation(slug, name, kind) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "area": "Riverside"}
    )
    if created:
        organisation_account_open(organisation=organisation)
    return organisation


def _post_credits(programme, organisations, contributions) -> None:
    """Each group gets a budget from the programme, allocated by the demo's programme admin;
    then the contributions this run approved earn from it, as approving them would, but with
    no "you earned" notes to email: the demo's history is not news. The allocations' keys make
    a second run find them already posted, and a second run approves no contribution."""
    admin = ProgrammeRole.objects.get(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    for group in (o for o in organisations.values() if o.gives_credits):
        credits_allocate(
            actor=admin,
            programme=programme,
            organisation=group,
            credits=DEMO_BUDGET_CREDITS,
            reason="Opening budget",
            idempotency_key=f"demo-allocation:{group.slug}",
        )
    if earnings := earnings_of(contributions):
        earnings_post(earnings=earnings, posted_by=None)


def _seed_sessions(activity, members, *, now, weekday, hour, hours, rng) -> list[Contribution]:
    """One session a week for the last few weeks, each with a handful of approved contributions,
    which it returns, and the next two weeks' sessions, so members see what is coming up."""
    contributions = []
    today = timezone.localtime(now).date()
    last = today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    for week in range(WEEKS_OF_ACTIVITY):
        day = last - datetime.timedelta(weeks=week)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        session = Session.objects.create(
            activity=activity,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            location=activity.organisation.name,
            capacity=12,
        )
        for member in rng.sample(members, k=rng.randint(3, 6)):
            minutes = rng.choice([hours * 60, hours * 60, hours * 60 - 30]) or 30
            contribution = Contribution.objects.create(
                member=member,
                session=session,
                minutes=minutes,
                status=Contribution.Status.APPROVED,
                method=Contribution.Method.POSTER,
                checked_in_at=starts_at,
                checked_out_at=starts_at + datetime.timedelta(minutes=minutes),
            )
            contributions.append(contribution)
    for week in (1, 2):
        starts_at = timezone.make_aware(
            datetime.datetime.combine(last + datetime.timedelta(weeks=week), datetime.time(hour))
        )
        Session.objects.create(
            activity=activity,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            location=activity.organisation.name,
            capacity=12,
        )
    return contributions
