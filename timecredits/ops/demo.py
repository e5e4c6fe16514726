"""Demo data: one programme, its groups and venues, a person for each role, and sixteen months
of history that every report can show: members joining month by month (some drifting away),
weekly sessions and their approved time, survey answers at baseline and follow-ups, credits
spent, donated, expired and about to expire.

Everything is found or created by a natural key, and the history is generated only while the
programme has no sessions, so seeding twice leaves the database as seeding once did. Dates are
relative to the moment of seeding and the random choices come from a fixed seed. Credits go
through the credits services, which date each transfer when it is posted: the ledger's history
starts on the day of seeding, while sessions, joining dates and answers lie in the past.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ledger.selectors import member_account
from partners.models import Organisation, Participation, StaffMembership
from timecredits.activities.models import Activity, Contribution, Session
from timecredits.activities.services.earning import earnings_of
from timecredits.credits.services.accounts import (
    member_account_open,
    organisation_account_open,
    programme_accounts_open,
)
from timecredits.credits.services.earning import earnings_post
from timecredits.credits.services.expiry import add_months, expiry_history_load, warning_period
from timecredits.credits.services.gifts import donate
from timecredits.members.models import Member
from timecredits.notifications.services import without_email
from timecredits.programmes.models import Programme, ProgrammeRole
from timecredits.programmes.services import credits_allocate
from timecredits.reports.models import ProxyValue
from timecredits.reports.valuation.services import proxy_value_create
from timecredits.spending.models import Offer
from timecredits.spending.services.redemptions import redemption_complete, redemption_create
from timecredits.surveys.instruments import (
    LONELINESS_DIRECT,
    ONS4,
    UCLA3,
    load_built_in_instruments,
)
from timecredits.surveys.models import (
    BASELINE,
    Indicator,
    Instrument,
    Outcome,
    Question,
    Response,
    SurveySchedule,
)

DEMO_PASSWORD = "demo-time-credits"  # noqa: S105 - published demo logins, for `make run` only
HISTORY_MONTHS = 16  # how far back the programme's history goes
EXPIRY_MONTHS = 12  # the demo programme's expiry policy
DEMO_BUDGET_CREDITS = 5000  # each group's opening budget, enough for the whole history
GENERATED_MEMBERS = 150  # beside the named ones, so that reports show figures, not suppression
SESSION_CAPACITY = 12

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


FOUNDING_MEMBERS = 30  # the named members and the first generated ones join in the first weeks
FOLLOW_UP_MONTHS = [3, 6, 12]
# Of the first generated members, how many stopped coming in the programme's first months (their
# credits have expired) and how many stopped a year ago (they have been warned of expiry).
EARLY_LEAVERS = 7
RECENT_LEAVERS = 7
# Postcode districts and how many members live in each: one is small, so its cells are
# suppressed in the area tables.
AREAS = (("CF11", 46), ("CF10", 20), ("CF24", 18), ("CF5", 13), ("CF14", 3))
FIRST_NAMES = (
    "Aled", "Alys", "Bethan", "Bilal", "Cai", "Chloe", "Dafydd", "Daniel", "Efa", "Elin",
    "Emma", "Eric", "Ffion", "Grace", "Harri", "Hana", "Ieuan", "Isla", "Jade", "Jamal", "Kai",
    "Leah", "Liam", "Lowri", "Maya", "Megan", "Mo", "Nia", "Noah", "Omar", "Osian", "Rhys",
    "Rosie", "Ruth", "Sam", "Seren", "Sian", "Tariq", "Tomos", "Yasmin",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Ali", "Bevan", "Brown", "Clarke", "Davies", "Edwards", "Francis", "Griffiths",
    "Hughes", "Islam", "James", "Jenkins", "Khan", "Lloyd", "Martin", "Morgan", "Morris",
    "Parry", "Phillips", "Powell", "Price", "Rees", "Richards", "Thomas", "Walker", "Watkins",
    "Williams", "Wilson", "Wright",
)  # fmt: skip
# Demographic answers with rough weights, blank (not answered) among them.
AGE_BANDS = (
    ("18_24", 10), ("25_34", 14), ("35_49", 20), ("50_64", 22), ("65_74", 18), ("75_plus", 8),
    ("prefer_not_to_say", 3), ("", 5),
)  # fmt: skip
GENDERS = (("woman", 55), ("man", 38), ("non_binary", 2), ("prefer_not_to_say", 2), ("", 3))
ETHNICITIES = (
    ("white", 70), ("asian", 10), ("black", 8), ("mixed", 5), ("other", 2), ("", 5),
)  # fmt: skip
EMPLOYMENT = (
    ("employed", 30), ("retired", 28), ("unemployed", 10), ("student", 6), ("carer", 8),
    ("unable_to_work", 10), ("", 8),
)  # fmt: skip
METHODS = (
    (Contribution.Method.POSTER, 60),
    (Contribution.Method.KIOSK, 15),
    (Contribution.Method.PASS, 15),
    (Contribution.Method.MANUAL, 10),
)
# How often a member comes to a session of an activity they like, with how many are like that.
HABITS = ((0.45, 25), (0.15, 40), (0.05, 35))
# Where a member's answers head: better, no clear change, or worse.
COURSES = ((1, 60), (0, 25), (-1, 15))
PROXY_VALUES = [
    {
        "name": "Volunteering time at the National Living Wage",
        "basis": ProxyValue.Basis.HOUR,
        "value": Decimal("12.21"),
        "source": (
            "Replacement cost: the UK National Living Wage from 1 April 2025, £12.21 an hour "
            "(GOV.UK). A demo figure: a programme sets its own."
        ),
        "deadweight_percent": Decimal(10),
        "attribution_percent": Decimal(0),
    },
    {
        "name": "Feeling less lonely (illustrative)",
        "basis": ProxyValue.Basis.OUTCOME,
        "outcome": "Feeling less lonely",
        "value": Decimal("1000.00"),
        "source": (
            "An illustrative figure for the demo only, not a published value: replace it with "
            "an evidenced proxy before reporting."
        ),
        "deadweight_percent": Decimal(25),
        "attribution_percent": Decimal(20),
    },
]
# outcome, [(indicator, [(instrument key, question key), ...]), ...]
OUTCOMES = [
    (
        "Feeling less lonely",
        [
            ("Feels lonely less often", [(LONELINESS_DIRECT, "how_often_lonely")]),
            (
                "Less isolated (UCLA-3)",
                [(UCLA3, "companionship"), (UCLA3, "left_out"), (UCLA3, "isolated")],
            ),
        ],
    ),
    (
        "Better personal well-being",
        [
            ("Satisfied with life", [(ONS4, "life_satisfaction")]),
            ("Feels what they do is worthwhile", [(ONS4, "worthwhile")]),
            ("Less anxious", [(ONS4, "anxiety")]),
        ],
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


@dataclass
class _Plan:
    """How one demo member's history goes."""

    member: Member
    joined_at: datetime.datetime
    favourites: tuple  # the activities they come to
    habit: float  # the chance they come to one of its sessions
    leaves_at: datetime.datetime | None = None
    course: int = 1
    last_out: datetime.datetime | None = None


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _user(username, first, last, **flags):
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "password": _password,  # a callable: hashed only if the user is new
            **flags,
        },
    )
    return user


_HASHED = {}


def _password() -> str:
    """The demo password's hash, made once: hashing is slow by design, and every demo login
    shares the one published password."""
    if "hash" not in _HASHED:
        _HASHED["hash"] = make_password(DEMO_PASSWORD)
    return _HASHED["hash"]


@transaction.atomic
def seed_demo(*, now: datetime.datetime | None = None) -> list[DemoLogin]:
    """Load the demo (once) and return its logins. Its months of history notify members in the
    app as they happen, but email nobody: the first `make run` printed dozens of emails about
    swims booked and credits expiring on dates already past."""
    with without_email():
        return _seed_demo(now=now or timezone.now())


def _seed_demo(*, now: datetime.datetime) -> list[DemoLogin]:
    programme, _ = Programme.objects.get_or_create(
        slug="riverside",
        defaults={
            "name": "Riverside Time Credits",
            "area": "Riverside",
            "starts_on": timezone.localtime(add_months(now, -HISTORY_MONTHS)).date(),
            "expiry_months": EXPIRY_MONTHS,
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
                "area": AREAS[index % 4][0],
                "age_band": AGE_BANDS[index % 6][0],
                "gender": GENDERS[index % 2][0],
            },
        )
        if created:
            member_account_open(member=member)
        members.append(member)

    activities = []
    for slug, title, type_, category, *_ in ACTIVITIES:
        activity, _ = Activity.objects.get_or_create(
            organisation=organisations[slug],
            title=title,
            defaults={"programme": programme, "type": type_, "category": category},
        )
        activity.programme = programme
        activities.append(activity)

    admin = ProgrammeRole.objects.get(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    _allocate(programme, organisations, admin)
    _seed_offers(organisations)
    _seed_outcomes(programme, admin)
    if not Session.objects.filter(activity__programme=programme).exists():
        _seed_history(programme, organisations, activities, members, now=now)

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
        programme=programme, defaults={"follow_up_months": FOLLOW_UP_MONTHS}
    )
    if created:
        keys = [ONS4, UCLA3, LONELINESS_DIRECT]
        schedule.instruments.set(Instrument.objects.filter(built_in=True, key__in=keys))


def _seed_outcomes(programme, admin) -> None:
    """The outcomes the demo programme values, their indicators, and its proxy values."""
    questions = {
        (q.instrument.key, q.key): q
        for q in Question.objects.filter(instrument__built_in=True).select_related("instrument")
    }
    outcomes = {}
    for outcome_name, indicators in OUTCOMES:
        outcome, _ = Outcome.objects.get_or_create(programme=programme, name=outcome_name)
        outcomes[outcome_name] = outcome
        for name, keys in indicators:
            indicator, created = Indicator.objects.get_or_create(outcome=outcome, name=name)
            if created:
                indicator.questions.set([questions[key] for key in keys])
    have = set(ProxyValue.objects.filter(programme=programme).values_list("name", flat=True))
    for proxy in PROXY_VALUES:
        if proxy["name"] not in have:
            outcome = outcomes.get(proxy.get("outcome"))
            proxy_value_create(
                actor=admin,
                programme=programme,
                outcome_id=outcome.pk if outcome else None,
                **{k: v for k, v in proxy.items() if k != "outcome"},
            )


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


def _allocate(programme, organisations, admin) -> None:
    """Each group gets a budget from the programme, allocated by the demo's programme admin;
    the keys make a second run find them already posted."""
    for group in (o for o in organisations.values() if o.gives_credits):
        credits_allocate(
            actor=admin,
            programme=programme,
            organisation=group,
            credits=DEMO_BUDGET_CREDITS,
            reason="Opening budget",
            # Named for the amount, so a database seeded by an earlier demo (a smaller budget
            # under another key) gets this budget too rather than an idempotency conflict.
            idempotency_key=f"demo-allocation:{group.slug}:{DEMO_BUDGET_CREDITS}",
        )


def _seed_history(programme, organisations, activities, named, *, now) -> None:
    """Sixteen months of the programme, generated once (while it has no sessions)."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    start = add_months(now, -HISTORY_MONTHS)
    plans = _plans(programme, named, start=start, now=now, rng=rng)
    contributions = _sessions_and_time(activities, plans, now=now, rng=rng)
    # Approving them earns their credits, with no "you earned" notes: the history is not news.
    earnings_post(earnings=earnings_of(contributions), posted_by=None)
    _seed_answers(programme, plans, now=now, rng=rng)
    _seed_expiries(programme, plans, now=now)
    _seed_spending(programme, organisations, plans, now=now, rng=rng)


def _plans(programme, named, *, start, now, rng) -> list[_Plan]:
    """The members and how each one's history goes: the named ones and the first generated ones
    join in the programme's first weeks, the rest month by month to today; a few drift away."""
    plans = []
    for index, member in enumerate(named):
        joined = start + datetime.timedelta(days=rng.uniform(0, 25))
        favourites = (0, 4) if index == 0 else tuple(rng.sample(range(len(ACTIVITIES)), 2))
        course = 1 if index == 0 else _weighted(rng, COURSES)
        plans.append(_Plan(member, joined, favourites, 0.7 if index == 0 else 0.5, course=course))
    span = (now - start).total_seconds()
    names = rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], GENERATED_MEMBERS)
    founding = FOUNDING_MEMBERS - len(named)
    year_ago = add_months(now, -EXPIRY_MONTHS)
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"{first}.{last}".lower(),
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@example.org".lower(),
            password=_password(),
        )
        for first, last in names
    )
    new_members = []
    for index, user in enumerate(users):
        if index < founding:
            joined = start + datetime.timedelta(days=rng.uniform(0, 40))
        else:
            joined = start + datetime.timedelta(seconds=span * rng.uniform(0.08, 0.995))
        area = _weighted(rng, AREAS)
        member = Member(
            user=user,
            programme=programme,
            new_to_volunteering=rng.choices((True, False, None), (35, 50, 15))[0],
            terms_accepted_at=joined,
            reports_consent=rng.random() < 0.88,
            surveys_consent=rng.random() < 0.85,
            age_band=_weighted(rng, AGE_BANDS),
            gender=_weighted(rng, GENDERS),
            ethnicity=_weighted(rng, ETHNICITIES),
            employment_status=_weighted(rng, EMPLOYMENT),
            area=area,
            postcode=f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}X",
        )
        new_members.append(member)
        plan = _Plan(
            member,
            joined,
            tuple(rng.sample(range(len(ACTIVITIES)), rng.choice((1, 1, 2)))),
            _weighted(rng, HABITS),
            course=_weighted(rng, COURSES),
        )
        if index < EARLY_LEAVERS + RECENT_LEAVERS:  # keen, until they stopped
            plan.favourites, plan.habit = tuple(rng.sample(range(len(ACTIVITIES)), 2)), 0.9
        if index < EARLY_LEAVERS:  # in the first months: their credits have expired
            plan.leaves_at = joined + datetime.timedelta(days=rng.uniform(20, 75))
        elif index < EARLY_LEAVERS + RECENT_LEAVERS:  # a year ago: warned of expiry
            plan.leaves_at = year_ago + datetime.timedelta(days=rng.uniform(10, 28))
        elif rng.random() < 0.25:  # drifts away after a while
            plan.leaves_at = joined + datetime.timedelta(days=rng.uniform(30, 300))
        plans.append(plan)
    Member.objects.bulk_create(new_members)
    for plan in plans:
        plan.member.joined_at = plan.member.terms_accepted_at = plan.joined_at
    Member.objects.bulk_update([p.member for p in plans], ["joined_at", "terms_accepted_at"])
    for member in new_members:
        member_account_open(member=member)
    return plans


def _session_days(weekday, *, start, now):
    """The activity's weekly days since `start`, the last before today, and the next two."""
    today = timezone.localtime(now).date()
    last = today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    first = timezone.localtime(start).date()
    days = []
    day = last
    while day >= first:
        days.append(day)
        day -= datetime.timedelta(weeks=1)
    return sorted(days), [last + datetime.timedelta(weeks=week) for week in (1, 2)]


def _sessions_and_time(activities, plans, *, now, rng) -> list[Contribution]:
    """Each activity's weekly sessions over the history and the next two weeks, and the
    approved time members gave at the past ones, which it returns."""
    start = min(p.joined_at for p in plans)
    sessions, past = [], []
    for activity, (*_, weekday, hour, hours) in zip(activities, ACTIVITIES, strict=True):
        held, coming = _session_days(weekday, start=start, now=now)
        for day in held + coming:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
            session = Session(
                activity=activity,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                location=activity.organisation.name,
                capacity=SESSION_CAPACITY,
            )
            sessions.append(session)
            if day in held:
                past.append((activities.index(activity), hours, session))
    Session.objects.bulk_create(sessions)
    contributions = []
    for index, hours, session in sorted(past, key=lambda s: s[2].starts_at):
        here = [
            p
            for p in plans
            if p.joined_at <= session.starts_at
            and (p.leaves_at is None or session.starts_at < p.leaves_at)
            and rng.random() < (p.habit if index in p.favourites else 0.01)
        ]
        for plan in rng.sample(here, min(len(here), SESSION_CAPACITY)):
            minutes = rng.choice((hours * 60, hours * 60, hours * 60 - 30)) or 30
            checked_in = session.starts_at + datetime.timedelta(minutes=rng.randint(0, 10))
            out = checked_in + datetime.timedelta(minutes=minutes)
            plan.last_out = max(plan.last_out or out, out)
            contributions.append(
                Contribution(
                    member=plan.member,
                    session=session,
                    minutes=minutes,
                    status=Contribution.Status.APPROVED,
                    method=_weighted(rng, METHODS),
                    checked_in_at=checked_in,
                    checked_out_at=out,
                    decided_at=session.ends_at + datetime.timedelta(days=1),
                )
            )
    return Contribution.objects.bulk_create(contributions, batch_size=500)


def _clamp(value, low, high):
    return max(low, min(high, value))


def _answer(question, baseline, *, course, wave, rng):
    """A member's answer to a question at a wave: the baseline's, moved the way their course
    goes (by more, later on), for a question on which `better` is up or down."""
    if question.kind == Question.Kind.CHOICE:
        low, high, better = 1, 5, 1
    else:
        low, high = question.min_value, question.max_value
        better = -1 if question.key == "anxiety" or question.instrument.key == UCLA3 else 1
    if baseline is None:
        spread = (high - low) / 4
        middle = (low + high) / 2 - better * spread / 3  # members join with room to improve
        return _clamp(round(rng.gauss(middle, spread)), low, high - (high - low) // 5)
    if course == 0:
        delta = rng.choice((0, 0, 0, 0, 1, -1))
    else:
        sizes = (0, 1, 1, 2) if wave < 6 else (0, 1, 2, 2, 3)
        delta = course * rng.choice(sizes if high - low > 2 else (0, 1, 1))
    return _clamp(baseline + better * delta, low, high)


def _seed_answers(programme, plans, *, now, rng) -> None:
    """Answers at joining and at each follow-up that has come due, from the members who take
    part in surveys: most answer each follow-up within a fortnight, some miss one."""
    questions = [
        q
        for q in Question.objects.filter(
            instrument__schedules__programme=programme, instrument__requires_registration=False
        )
        .select_related("instrument")
        .order_by("instrument_id", "position")
    ]
    responses = []
    for plan in (p for p in plans if p.member.surveys_consent):
        answered_at = min(plan.joined_at + datetime.timedelta(hours=rng.uniform(0, 48)), now)
        baseline = {q.pk: _answer(q, None, course=0, wave=0, rng=rng) for q in questions}
        waves = [(BASELINE, answered_at, baseline)]
        for wave in FOLLOW_UP_MONTHS:
            due = add_months(plan.joined_at, wave)
            gone = plan.leaves_at is not None and plan.leaves_at < due
            if due > now or rng.random() < (0.7 if gone else 0.15):
                continue
            at = due + datetime.timedelta(days=rng.uniform(0, 14))
            at = at if at < now else due + (now - due) * rng.random()
            answers = {
                q.pk: _answer(q, baseline[q.pk], course=plan.course, wave=wave, rng=rng)
                for q in questions
            }
            waves.append((wave, at, answers))
        for wave, at, answers in waves:
            responses += [
                Response(
                    member=plan.member,
                    question=q,
                    wave=wave,
                    value=str(answers[q.pk]),
                    number=Decimal(answers[q.pk]).quantize(Decimal("0.01")),
                    answered_at=at,
                )
                for q in questions
            ]
    Response.objects.bulk_create(responses, batch_size=1000)


def _seed_expiries(programme, plans, *, now) -> None:
    """As the daily job would have done it: members whose last time given was over the policy's
    months ago were warned and their credits expired; those whose credits expire within the
    warning period have been warned. Only members who earned, and none of the named ones."""
    for plan in plans[len(MEMBERS) :]:
        if plan.last_out is None:
            continue
        expires_at = add_months(timezone.localtime(plan.last_out), programme.expiry_months)
        warned_at = expires_at - warning_period()
        if warned_at <= now:
            expiry_history_load(
                programme=programme,
                account=member_account(member=plan.member),
                expires_at=expires_at,
                warned_at=warned_at,
            )


def _seed_spending(programme, organisations, plans, *, now, rng) -> None:
    """Recent spending and donations by members still active: swims at the leisure centre,
    taken up at the venue, and credits given to the groups and the pool."""
    recent = now - datetime.timedelta(days=45)
    active = [
        p
        for p in plans[len(MEMBERS) :]
        if p.last_out and p.last_out > recent and member_account(member=p.member).available >= 120
    ]
    swim = Offer.objects.get(
        organisation=organisations["riverside-leisure-centre"], title="Swim session"
    )
    venue_staff = StaffMembership.objects.get(
        organisation=swim.organisation, role=StaffMembership.Role.VENUE_STAFF
    ).user
    spenders = rng.sample(active, min(len(active), 14))
    for number, plan in enumerate(spenders):
        redemption, _ = redemption_create(
            member=plan.member, offer=swim, idempotency_key=f"demo-swim-{number}"
        )
        redemption_complete(
            actor=venue_staff,
            venue=swim.organisation,
            code=redemption.code,
            idempotency_key=f"demo-swim-taken-{number}",
        )
    givers = rng.sample(
        [p for p in active if p not in spenders], min(len(active) - len(spenders), 8)
    )
    groups = [None, organisations["riverside-lunch-club"], organisations["northfield-food-bank"]]
    for number, plan in enumerate(givers):
        donate(
            actor=plan.member.user,
            organisation=groups[number % len(groups)],
            minutes=60,
            message="For someone who needs it",
            idempotency_key=f"demo-donation-{number}",
        )
