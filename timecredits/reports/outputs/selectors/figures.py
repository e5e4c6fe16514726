"""Output figures for a programme (or one organisation in it), as plain data, from aggregates.

Every figure covers one period of dates (inclusive, in local time) and the same filter:

- The **filter's contributions** are those at sessions of the programme's activities that start in
  the period, narrowed by organisation (the group that ran the activity), activity type, and the
  member's area and demographic answers.
- **Active members**: distinct members with an approved contribution among them. **Hours given**:
  their approved minutes / 60. **Sessions held**: distinct sessions with such a contribution.
  **Check-ins**: the filter's contributions made by QR poster, door kiosk or pass, whatever their
  later status. **Active organisations**: distinct organisations among approved contributions.
- **New members** joined the programme in the period (in the area). With an organisation or
  activity type filter, only those also active in the filter. **New to volunteering** is of those.
- **Credits earned** is the ledger's own figure: the `earn` transfers caused by the filter's
  contributions, less their reversals, in ledger minutes (60 = one credit), as the triggers of
  `reports.facts` keep them beside each contribution.
- **Credits spent, donated, expired** are the ledger's `spend` (posted), `donate` and `expire`
  transfers (less expiries reversed) from members of the programme (in the area), posted in the
  period; with an organisation filter, spending is at that venue. With an organisation or
  activity type filter, donations and expiries are those of the members active in it.
- **Credits unspent**: the posted balances of the programme's members (in the area; with an
  organisation or activity type filter, those active in it) at the end of the period: today's
  balance less what reached the account after the period, plus what left it. Its people count is
  the members holding credits then.
- **Retention** counts in calendar months. The **cohort** is the members whose first approved
  contribution under the filter (at any time, not only in the period) falls in the period. One
  of them is **still active after N months** (N = 3, 6, 12) if they have an approved contribution
  under the filter in the Nth calendar month after the month of their first, or later: someone
  who started in March counts at 3 months if active in June or after. The figure is **not yet
  known** until that month has ended for the whole cohort, i.e. until the Nth month after the
  period's last month is over. The rows are nested (12 within 6 within 3 within the cohort).
- **Regularity** sorts the active members by the share of the period in which they gave time:
  **weekly** if active in at least half of the calendar weeks (Monday to Sunday) the period
  touches, else **monthly** if active in at least half of the calendar months it touches, else
  **occasional**. A month touches one month, so over a month nobody is occasional; over a
  quarter "monthly" means two of its three months, over a year six of twelve. A period still
  running counts the weeks and months it has touched so far.
- **Reach**: the by-area and by-age-band rows for which the programme has imported a population
  (programmes.PopulationFigure), with the population and members per 1,000 residents. An area's
  population is its all-ages figure (or, under an age band filter, that band's); an age band's
  is the sum of its figures over the areas imported, so it is right when the import covers the
  programme's whole area. Their counts are those of the by-area and by-age-band tables. Under
  other demographic filters the population is still everyone's.
- **Demographic filters** (age band, gender, ethnicity, disability, employment status) narrow
  every figure to the members who match them and consent to reports.
- **Consent.** Without a demographic filter, headline figures and the activity, organisation,
  area, regularity, retention and spending tables count every member: they are records of the
  service that must reconcile with the ledger. The age band and gender tables count only
  members who consent to anonymous reports (`Member.reports_consent` as it is now); their
  totals say so.

Unsuppressed: `presented` applies disclosure control for whoever is asking.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from ledger.kinds import AccountKind, TransferKind, TransferPhase
from ledger.selectors import account_rows, month_end_nearest, month_end_rows, transfer_rows
from partners.selectors import organisation_names
from timecredits.activities.selectors import (
    ActivityType,
    ContributionStatus,
    contribution_rows,
    session_rows,
)
from timecredits.members.selectors import (
    AgeBand,
    Employment,
    Ethnicity,
    Gender,
    YesNo,
    member_rows,
)
from timecredits.programmes.selectors import population_figures
from timecredits.spending.selectors import OFFER_CATEGORIES

from ...disclosure import NOT_YET_KNOWN, Table
from ...models import ContributionFact, MemberStart, MoveFact
from .passes import Fold, member_fold, weeks_and_months
from .reading import reading

POSTED = [TransferPhase.SINGLE, TransferPhase.POST]
# The demographic filters, each with the answers it takes.
DEMOGRAPHICS = {
    "age_band": AgeBand,
    "gender": Gender,
    "ethnicity": Ethnicity,
    "disability": YesNo,
    "employment_status": Employment,
}
RETENTION_MONTHS = (3, 6, 12)
CONSENT_NOTE = (
    "Filtered by a demographic answer: only members who consent to anonymous reports are counted."
)


@dataclass(frozen=True)
class Filter:
    programme: object
    period_start: datetime.date
    period_end: datetime.date
    organisation: object = None
    activity_type: str = ""
    area: str = ""
    demographics: tuple = ()  # (field, answer) pairs, fields from DEMOGRAPHICS
    today: datetime.date = None

    def members(self, path: str = "") -> Q:
        """The members the filter counts, as a condition on the member at `path`."""
        q = Q(**{f"{path}area": self.area}) if self.area else Q()
        if self.demographics:
            q &= Q(**{f"{path}reports_consent": True})
            q &= Q(**{f"{path}{field}": answer for field, answer in self.demographics})
        return q

    @property
    def of_members(self) -> bool:
        """Narrowed by who the members are (an area, a demographic answer)."""
        return bool(self.area or self.demographics)

    @property
    def of_activities(self) -> bool:
        """Narrowed by where they gave time (an organisation, an activity type)."""
        return self.organisation is not None or bool(self.activity_type)

    def asked(self) -> dict:
        """What the report was asked for, as each report gives it back with its figures."""
        return {
            "programme_id": self.programme.pk,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "organisation_id": self.organisation.pk if self.organisation is not None else None,
            "area": self.area,
            "threshold": self.programme.report_threshold,
        }

    @property
    def since(self) -> datetime.datetime:
        return _local_midnight(self.period_start)

    @property
    def until(self) -> datetime.datetime:
        return _local_midnight(self.period_end + datetime.timedelta(days=1))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _contributions(f: Filter, *, in_period: bool = True):
    """The filter's contributions (in the period), as their facts (`reports.facts`)."""
    qs = ContributionFact.objects.filter(f.members("member__"), programme=f.programme)
    if in_period:
        qs = qs.filter(at__gte=f.since, at__lt=f.until)
    if f.organisation is not None:
        qs = qs.filter(organisation=f.organisation)
    if f.activity_type:
        qs = qs.filter(kind=f.activity_type)
    return qs


def _approved(f: Filter):
    return _contributions(f).filter(approved=1)


def _moves(f: Filter, *kinds):
    """The filter's members' moves of credits of `kinds` (`MoveFact`: spent, donated, expired,
    restored) posted in the period."""
    return MoveFact.objects.filter(
        f.members("member__"),
        programme=f.programme,
        kind__in=kinds,
        posted_at__gte=f.since,
        posted_at__lt=f.until,
    )


def _whole_programme(f: Filter) -> bool:
    """Whether the sessions' totals (`reports.calendars`, PostgreSQL) answer for `f`'s figures
    that are not the members': any period of the whole programme."""
    return not (f.of_members or f.of_activities) and connection.vendor == "postgresql"


def _calendar(f: Filter) -> bool:
    """Whether the members' calendars (`reports.calendars`, PostgreSQL) answer for `f`: whole
    months of the whole programme."""
    whole = f.period_start.day == 1 and (f.period_end + datetime.timedelta(days=1)).day == 1
    return whole and _whole_programme(f)


def _month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month


def _unspent(f: Filter) -> dict:
    """Members' posted balances at the end of the period.

    Read from the nearest point whose balances are known, today's (each account's totals) or a
    kept month end's (`ledger.selectors.month_end_nearest`), with what moved between it and the
    period's end summed per account once and joined to the accounts: set-based, and a window of
    a few weeks at most where a month end is kept, rather than everything since the period."""
    accounts = account_rows().filter(
        f.members("member__"), kind=AccountKind.MEMBER, member__programme=f.programme
    )
    if f.of_activities:
        accounts = accounts.filter(member__in=_approved(f).values("member"))
    # Every kind named, so PostgreSQL reads them from the (kind, posted_at) index.
    moved = transfer_rows().filter(kind__in=TransferKind.values, phase__in=POSTED).order_by()
    kept = month_end_nearest(at=f.until)
    # The accounts, and their balances at the point read from.
    if kept is not None and abs(kept.at - f.until) < abs(timezone.now() - f.until):
        start = month_end_rows().filter(month_end=kept).values("balance", holder=F("account"))
        if kept.at <= f.until:
            moved, sign = moved.filter(posted_at__gte=kept.at, posted_at__lt=f.until), "+"
        else:
            moved, sign = moved.filter(posted_at__gte=f.until, posted_at__lt=kept.at), "-"
    else:
        start = account_rows().values(
            holder=F("pk"), balance=F("credits_posted") - F("debits_posted")
        )
        moved, sign = moved.filter(posted_at__gte=f.until), "-"
    # What came into each account, less what went out of it, summed in one grouping; only a
    # narrowed set of accounts is looked for among the transfers first: the whole programme's
    # is most of them, and the accounts are joined below anyway.
    narrowed = f.of_members or f.of_activities

    def signed(side: str, amount):
        rows = moved.filter(**{f"{side}_account__in": accounts.values("pk")}) if narrowed else moved
        return rows.values(account=F(f"{side}_account"), s=amount)

    parts = [
        q.query.sql_with_params()
        for q in (
            accounts.values(account=F("pk")).order_by(),
            start.order_by(),
            signed("credit", F("amount")),
            signed("debit", -F("amount")),
        )
    ]
    at_end = f"COALESCE(b.balance, 0) {sign} COALESCE(d.s, 0)"
    # Only the ORM's own SQL is put in; the values are parameters.
    sql = (
        f"SELECT COALESCE(SUM(x.at_end), 0), COALESCE(SUM(CASE WHEN x.at_end > 0 THEN 1 "  # noqa: S608
        f"ELSE 0 END), 0) FROM (SELECT {at_end} AS at_end FROM ({parts[0][0]}) a "
        f"LEFT JOIN ({parts[1][0]}) b ON b.holder = a.account "
        f"LEFT JOIN (SELECT m.account, SUM(m.s) AS s FROM ({parts[2][0]} UNION ALL "
        f"{parts[3][0]}) m GROUP BY m.account) d ON d.account = a.account) x"
    )
    # In one process: a parallel plan builds each side's sums in every process, twice the work,
    # while the member pass beside it wants the other core.
    with connection.cursor() as cursor, _in_one_process(cursor):
        cursor.execute(sql, [p for _, params in parts for p in params])
        minutes, people = cursor.fetchone()
    return {"minutes": int(minutes), "people": int(people)}


@contextlib.contextmanager
def _in_one_process(cursor, serial: bool = True):
    """PostgreSQL's statements in the block planned without parallel workers (where `serial`)."""
    serial = serial and connection.vendor == "postgresql"
    if serial:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    yield
    if serial:
        cursor.execute("RESET max_parallel_workers_per_gather")


def _held(f: Filter) -> dict:
    """Sessions held and active organisations: the period's sessions with an approved
    contribution under the filter.

    One look-up in the contributions' `(session, status)` index for each of the period's
    sessions, which is cheaper than counting the distinct sessions of every approved fact
    (that sorts them: 0.1 s against 0.4 s for a generated year) and is the one read of the
    contributions themselves. Read only under a filter of the activities (an organisation, an
    activity type) or on SQLite: under a filter of who the members are (an area, a demographic
    answer) the member pass counts them from the facts it reads, and with no filter on
    PostgreSQL from the sessions' totals (`Fold.held`, either way)."""
    sessions = session_rows().filter(
        activity__programme=f.programme, starts_at__gte=f.since, starts_at__lt=f.until
    )
    if f.organisation is not None:
        sessions = sessions.filter(activity__organisation=f.organisation)
    if f.activity_type:
        sessions = sessions.filter(activity__type=f.activity_type)
    given = contribution_rows().filter(
        f.members("member__"), session=OuterRef("pk"), status=ContributionStatus.APPROVED
    )
    return sessions.filter(Exists(given)).aggregate(
        sessions_held=Count("pk"),
        active_organisations=Count("activity__organisation", distinct=True),
    )


def _member_moves(f: Filter, *, counted: bool = False) -> dict:
    """What the filter's members did with their credits in the period: spending in all
    (`spent`), by venue (`by_venue`) and by the category of the offer redeemed
    (`by_category`); donations and expiries (each with the members who made them); and the
    expiries reversed (`restored`), in ledger minutes.

    Donations and expiries belong to no organisation or activity: under those filters, the ones
    of the members active in them (an organisation's own report shows no one else's), and the
    spending is at that venue. Members and minutes are summed per member and key first, then
    per key: two hashed groupings, where COUNT(DISTINCT member) would sort the period's moves.

    The moves are one common table expression. Under a filter of who the members are (an area,
    a demographic answer) they are few, and read once, then grouped by every key
    (MATERIALIZED); otherwise each grouping reads the moves it needs itself, in parallel
    workers on PostgreSQL (a shared read of a year's moves, grouped by one process, was slower:
    members, venues and categories barely group).

    `counted`: who spent, donated and had credits expire is counted from the members' calendars
    (`Fold.moved`; their people stay 0 until `_figures`); here donations, expiries and restores
    are summed kind by kind, spending by venue and by category each from an index of the spends,
    and spending's minutes are the venues'."""
    narrowed = f.of_members
    moved_sql, moved_params = (
        _moves(f, TransferKind.SPEND, TransferKind.DONATE, TransferKind.EXPIRE, MoveFact.RESTORE)
        .values("kind", "amount", "category", who=F("member"), place=F("venue"))
        .order_by()
        .query.sql_with_params()
    )
    # The spending at the venue, under an organisation filter; the rest, of the active members.
    spending, spending_params = "t.kind = 'spend'", []
    if f.organisation is not None:
        spending, spending_params = "t.kind = 'spend' AND t.place = %s", [f.organisation.pk]
    given, given_params = "t.kind IN ('donate', 'expire')", []
    restored, restored_params = "t.kind = 'restore'", []
    if f.of_activities:
        active_sql, active_params = _approved(f).values("member").query.sql_with_params()
        given, given_params = f"{given} AND t.who IN ({active_sql})", list(active_params)
        restored, restored_params = f"{restored} AND t.who IN ({active_sql})", list(active_params)
    # Each part's key in a column of its own, a NULL of its type in the others (PostgreSQL
    # types a UNION's columns branch by branch).
    nulls = {"place": "CAST(NULL AS bigint)", "category": "CAST(NULL AS varchar)"}

    def per_member(name: str, key: str, where: str) -> str:
        """Members and minutes of the moves `where` by `key` (none: in all), the part `name`d."""
        by = f"t.{key}, " if key else ""
        columns = ", ".join(f"g.{k}" if k == key else null for k, null in nulls.items())
        return (
            f"SELECT {name}, {columns}, COUNT(*), SUM(g.minutes) FROM (SELECT {by}"  # noqa: S608
            f"SUM(t.amount) AS minutes FROM moved t WHERE {where} GROUP BY {by}t.who) g"
            + (f" GROUP BY g.{key}" if key else "")
        )

    # Only fixed names and the ORM's own SQL are put in; the values are parameters.
    read = "MATERIALIZED" if narrowed else "NOT MATERIALIZED"
    parts = [
        (per_member("'spent'", "", spending), spending_params),
        (per_member("'by_venue'", "place", spending), spending_params),
        (per_member("'by_category'", "category", spending), spending_params),
        (per_member("g.kind", "kind", given), given_params),
        (
            f"SELECT 'restored', {', '.join(nulls.values())}, 0, SUM(t.amount) "  # noqa: S608
            f"FROM moved t WHERE {restored}",
            restored_params,
        ),
    ]
    if counted:
        # Spending by venue and by category apart (below); its minutes are the venues'; the
        # rest, kind by kind, each a range of the (programme, kind, posted_at) index, in one
        # process (a parallel read of every move took three times the processor time).
        parts = [
            *(
                (
                    f"SELECT '{name}', {', '.join(nulls.values())}, 0, SUM(t.amount) "  # noqa: S608
                    f"FROM moved t WHERE t.kind = '{kind}'",
                    [],
                )
                for kind, name in (
                    ("donate", "donate"),
                    ("expire", "expire"),
                    ("restore", "restored"),
                )
            ),
        ]
    # Read once, in one statement; or the spending's parts in one (PostgreSQL plans each in
    # parallel workers) and the rest in another: in one statement, only the spending's were.
    together = [parts] if narrowed or counted else [parts[:3], parts[3:]]
    found = []
    with connection.cursor() as cursor:
        for group in together:
            with _in_one_process(cursor, serial=counted):
                cursor.execute(
                    f"WITH moved AS {read} ({moved_sql}) "
                    + " UNION ALL ".join(sql for sql, _ in group),
                    [*moved_params, *(p for _, params in group for p in params)],
                )
                found += cursor.fetchall()
        if counted:
            # Each venue's and each category's members counted distinct in the order a partial
            # index of the spends gives them (`MoveFact`'s), so nothing is hashed: a member's
            # spends barely group (426,000 venue and member pairs, and 269,000 category and
            # member pairs, from 431,000 spends on the generated data).
            with _in_one_process(cursor):
                for name, key in (("by_venue", "venue"), ("by_category", "category")):
                    rows = (
                        _moves(f, TransferKind.SPEND)
                        .values(key)
                        .annotate(members=Count("member", distinct=True), minutes=Sum("amount"))
                        .order_by()
                    )
                    found += [
                        (
                            name,
                            row.get("venue"),
                            row.get("category"),
                            row["members"],
                            row["minutes"],
                        )
                        for row in rows
                    ]
    nothing = {"minutes": 0, "people": 0}
    moves = {
        "spent": nothing,
        "by_venue": [],
        "by_category": [],
        "donated": nothing,
        "expired": nothing,
        "restored": 0,
    }
    named = {TransferKind.DONATE: "donated", TransferKind.EXPIRE: "expired"}
    for name, venue, category, members, minutes in found:
        # PostgreSQL sums bigints as numeric; the ORM's Sum would give an int.
        minutes = int(minutes or 0)
        if name == "restored":
            moves["restored"] = minutes
        elif name in ("by_venue", "by_category"):
            key = venue if name == "by_venue" else category
            moves[name].append({"key": key, "members": members, "minutes": minutes})
        else:
            moves[named.get(name, name)] = {"minutes": minutes, "people": members}
    for name in ("by_venue", "by_category"):
        moves[name].sort(key=lambda row: (row["key"] is None, row["key"] or ""))
    if counted:
        moves["spent"] = {"minutes": sum(row["minutes"] for row in moves["by_venue"]), "people": 0}
    return moves


def _figures(f: Filter, fold: Fold, moves) -> tuple[dict, dict, Table]:
    """The headline figures, their people and the new members' table; `moves` is
    `_member_moves` and `_unspent` to come (its `result()`), asked for once this function's own
    reads are done."""
    # The approved figures and the check-ins, from the member pass; sessions and organisations
    # are not the members': the member pass counts them where it can (`Fold.held`), otherwise
    # they are counted apart.
    approved = {"active_members": fold.active, "minutes": fold.minutes, **(fold.held or _held(f))}
    check_ins = {"n": fold.check_ins, "people": fold.check_in_people}
    if f.of_activities:
        # Only those also active in the filter: the member pass has them all.
        new = {
            "n": sum(fold.joined.values()),
            "yes": fold.joined.get("yes", 0),
            "no": fold.joined.get("no", 0),
        }
    else:
        new = (
            member_rows()
            .filter(
                f.members(), programme=f.programme, joined_at__gte=f.since, joined_at__lt=f.until
            )
            .aggregate(
                n=Count("pk"),
                yes=Count("pk", filter=Q(new_to_volunteering=True)),
                no=Count("pk", filter=Q(new_to_volunteering=False)),
            )
        )
    earned, moves = fold.earned, moves.result()
    unspent = moves["unspent"]
    spent, donated, expired = (
        {**moves[name], "people": fold.moved.get(kind, moves[name]["people"])}
        for kind, name in (("spend", "spent"), ("donate", "donated"), ("expire", "expired"))
    )
    figures = {
        "active_members": approved["active_members"],
        "new_members": new["n"],
        "new_to_volunteering": new["yes"],
        "hours_given": round(approved["minutes"] / 60, 2),
        "sessions_held": approved["sessions_held"],
        "check_ins": check_ins["n"],
        "credits_earned_minutes": earned,
        "credits_spent_minutes": spent["minutes"],
        "credits_donated_minutes": donated["minutes"],
        "credits_expired_minutes": expired["minutes"] - moves["restored"],
        "credits_unspent_minutes": unspent["minutes"],
        "active_organisations": approved["active_organisations"],
    }
    people = {
        "active_members": approved["active_members"],
        "new_members": new["n"],
        "new_to_volunteering": new["yes"],
        "hours_given": approved["active_members"],
        # The sessions and groups the active members gave time at: under a filter that leaves
        # one person, their days, groups and activity types.
        "sessions_held": approved["active_members"],
        "active_organisations": approved["active_members"],
        "check_ins": check_ins["people"],
        "credits_earned_minutes": approved["active_members"],
        "credits_spent_minutes": spent["people"],
        "credits_donated_minutes": donated["people"],
        "credits_expired_minutes": expired["people"],
        "credits_unspent_minutes": unspent["people"],
    }
    new_table = Table(
        name="new_members",
        title="New members, by whether they are new to volunteering",
        count="members",
        columns=[("members", "Members")],
        rows=[
            _row("yes", "New to volunteering", members=new["yes"]),
            _row("no", "Volunteered before", members=new["no"]),
            _row(
                "unknown",
                "Not answered",
                members=new["n"] - new["yes"] - new["no"],
            ),
        ],
        total={"members": new["n"]},
    )
    return figures, people, new_table


def _row(key, label, **values) -> dict:
    return {"key": str(key), "label": str(label), "values": values}


def _total(rows, columns) -> dict:
    return {c: sum(r["values"][c] for r in rows) for c, _ in columns}


def _breakdown(grouped: dict, *, name, title, labels, note="") -> Table:
    """Members and hours by key, from `grouped`: key -> (active members, their minutes)."""
    members = {k: n for k, (n, _) in grouped.items()}
    minutes = {k: m for k, (_, m) in grouped.items()}
    columns = [("members", "Members"), ("hours", "Hours given")]
    table_rows = [
        _row(
            k if k not in ("", None) else "unknown",
            labels.get(k) or ("Not answered" if k in ("", None) else k),
            members=members[k],
            hours=round(minutes[k] / 60, 2),
        )
        for k in sorted(members, key=lambda k: k or "")
    ]
    return Table(
        name, title, "members", columns, table_rows, _total(table_rows, columns), note=note
    )


def _consenting_breakdown(fold: Fold, field: str, label: str, answers) -> Table:
    """The members who consent to reports, by their answer to a demographic question."""
    return _breakdown(
        getattr(fold, field),
        name=field,
        title=f"By {label} (members who consent to reports)",
        labels=dict(answers.choices),
    )


def _spend_table(grouped: list[dict], *, name, title, labels) -> Table:
    columns = [("members", "Members"), ("credits_minutes", "Credits spent (minutes)")]
    rows = [
        _row(
            g["key"] if g["key"] is not None else "unknown",
            labels.get(g["key"], "Other spending"),
            members=g["members"],
            credits_minutes=g["minutes"],
        )
        for g in grouped
    ]
    return Table(
        name,
        title,
        "members",
        columns,
        rows,
        _total(rows, columns),
        note="A member who spent in several rows is counted in each; the total adds the rows.",
    )


def _known(f: Filter) -> list[int]:
    """The retention figures (their N) known by `f.today`."""
    return [n for n in RETENTION_MONTHS if _month_number(f.today) > _month_number(f.period_end) + n]


def _started_before(f: Filter):
    """The approved contributions under the filter before the period (the member pass reads
    who gave them, once)."""
    return _contributions(f, in_period=False).filter(approved=1, at__lt=f.since)


def _given_after(f: Filter):
    """The approved contributions under the filter after the period (the member pass reads the
    last one's month for each member who started in it)."""
    return _contributions(f, in_period=False).filter(approved=1, at__gte=f.until)


def _retention(f: Filter, fold: Fold) -> Table:
    """See the module's definition. The cohort are the members active in the period with no
    approved contribution under the filter before it; the member pass counts them, with their
    first and last months (from what came after the period too when a figure is known)."""
    known = _known(f)
    counts = {"cohort": fold.retention.get("cohort", 0)}
    counts |= {str(n): fold.retention.get(str(n), 0) for n in known}
    columns = [("members", "Members"), ("percent", "Share of those who started (%)")]
    table_rows, unknown = [], {}
    for n in RETENTION_MONTHS:
        key = str(n)
        if n in known:
            share = round(100 * counts[key] / counts["cohort"], 1) if counts["cohort"] else 0.0
            table_rows.append(_row(key, f"After {n} months", members=counts[key], percent=share))
        else:
            table_rows.append(_row(key, f"After {n} months", members=None, percent=None))
            unknown |= {(key, c): NOT_YET_KNOWN for c, _ in columns}
    return Table(
        name="retention",
        title="Still active after 3, 6 and 12 months",
        count="members",
        columns=columns,
        rows=table_rows,
        total={"members": counts["cohort"], "percent": 100.0 if counts["cohort"] else 0.0},
        note=(
            "Members whose first approved contribution was in this period, and how many of them "
            "gave time again in the 3rd, 6th or 12th calendar month after it, or later."
        ),
        suppressed=unknown,
        total_label="Started in the period",
        nested=True,
    )


def _regularity(f: Filter, fold: Fold) -> Table:
    """Active members as weekly, monthly or occasional; see the module's definition."""
    weeks, months = fold.counted
    so_far = " so far" if (weeks, months) != weeks_and_months(f.period_start, f.period_end) else ""
    kinds = {"weekly": "Weekly", "monthly": "Monthly", "occasional": "Occasional"}
    members = {k: fold.regularity.get(k, (0, 0))[0] for k in kinds}
    minutes = {k: fold.regularity.get(k, (0, 0))[1] for k in kinds}
    columns = [("members", "Members"), ("hours", "Hours given")]
    table_rows = [
        _row(k, label, members=members[k], hours=round(minutes[k] / 60, 2))
        for k, label in kinds.items()
    ]
    return Table(
        name="regularity",
        title="Active members, by how regularly they gave time",
        count="members",
        columns=columns,
        rows=table_rows,
        total=_total(table_rows, columns),
        note=(
            f"Weekly: active in at least half of the period's {weeks} calendar weeks{so_far}. "
            f"Monthly: otherwise, in at least half of its {months} calendar months{so_far}. "
            "Occasional: the rest."
        ),
    )


def _reach(source: Table, *, name: str, title: str, populations: dict, labels: dict) -> Table:
    """Every row with a population (none active there is 0), with members per 1,000 residents;
    the members are `source`'s."""
    members = {row["key"]: row["values"]["members"] for row in source.rows}
    rows = [
        _row(
            key,
            labels.get(key, key),
            members=members.get(key, 0),
            population=population,
            per_1000=round(1000 * members.get(key, 0) / population, 2),
        )
        for key, population in sorted(populations.items())
    ]
    return Table(
        name=name,
        title=title,
        count="members",
        columns=[
            ("members", "Members"),
            ("population", "Population"),
            ("per_1000", "Members per 1,000 residents"),
        ],
        rows=rows,
        total={},
        note=f'Members counted as in the table "{source.title}"; rows without an '
        "imported population are left out.",
        mirrors=source.name,
    )


def _populations(f: Filter) -> tuple[dict, dict]:
    """Imported populations, within the area and age band filtered on: by area (all ages, or
    that band) and by age band (summed over areas)."""
    figures = population_figures(programme=f.programme)
    if f.area:
        figures = figures.filter(area=f.area)
    band = dict(f.demographics).get("age_band", "")
    by_area = dict(figures.filter(age_band=band).values_list("area", "population"))
    by_band = dict(
        (figures.filter(age_band=band) if band else figures.exclude(age_band=""))
        .values("age_band")
        .annotate(n=Sum("population"))
        .values_list("age_band", "n")
        .order_by()
    )
    return by_area, by_band


def programme_outputs(
    programme,
    period_start: datetime.date,
    period_end: datetime.date,
    organisation=None,
    activity_type: str = "",
    area: str = "",
    demographics: dict | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Every output figure and breakdown for the filter, unsuppressed.

    `demographics` maps fields of DEMOGRAPHICS to the answer to keep; `today` (by default the
    local date) decides which retention figures are known yet.
    """
    demographics = {k: v for k, v in (demographics or {}).items() if v}
    f = Filter(
        programme,
        period_start,
        period_end,
        organisation,
        activity_type or "",
        area or "",
        tuple(sorted(demographics.items())),
        today or timezone.localdate(),
    )
    with reading() as alongside:
        return _outputs(alongside, f, demographics)


def _outputs(alongside, f: Filter, demographics: dict) -> dict:
    known = _known(f)
    # The ledger's reads (what members did with their credits, and what they held at the end),
    # meanwhile in a second connection where there can be one (see `reading`); the
    # contributions' here.
    calendar = _calendar(f)
    moves = alongside(lambda: {**_member_moves(f, counted=calendar), "unspent": _unspent(f)})
    fold = member_fold(
        _contributions(f),
        start=f.period_start,
        end=f.period_end,
        before=_started_before(f),
        later=_given_after(f),
        # Under no filter of the activities, a member's start is their first time anywhere in
        # the programme, which is kept.
        starts=(MemberStart.objects.filter(programme=f.programme) if not f.of_activities else None),
        known=known,
        until=f.today,
        held=f.of_members,
        calendar=f.programme.pk if calendar else None,
        totals=f.programme.pk if _whole_programme(f) else None,
    )
    figures, people, new_table = _figures(f, fold, moves)
    by_venue = moves.result()["by_venue"]
    venue_ids = [g["key"] for g in by_venue if g["key"] is not None]
    venues = organisation_names(ids=venue_ids)
    several = "A member active in several rows is counted in each; the total adds the rows."
    by_area = _breakdown(fold.area, name="area", title="By area", labels={})
    by_age_band = _consenting_breakdown(fold, "age_band", "age band", AgeBand)
    area_populations, band_populations = _populations(f)
    tables = [
        new_table,
        _breakdown(
            fold.types,
            name="activity_type",
            title="By activity type",
            labels=dict(ActivityType.choices),
            note=several,
        ),
        by_area,
        by_age_band,
        _consenting_breakdown(fold, "gender", "gender", Gender),
        _regularity(f, fold),
        _retention(f, fold),
        _spend_table(by_venue, name="spend_by_venue", title="Spending by venue", labels=venues),
        _spend_table(
            moves.result()["by_category"],
            name="spend_by_category",
            title="Spending by offer category",
            labels=OFFER_CATEGORIES,
        ),
    ]
    if area_populations:
        tables.append(
            _reach(
                by_area,
                name="reach_by_area",
                title="Reach by area: members against the population",
                populations=area_populations,
                labels={},
            )
        )
    if band_populations:
        tables.append(
            _reach(
                by_age_band,
                name="reach_by_age_band",
                title="Reach by age band: members who consent to reports against the population",
                populations=band_populations,
                labels=dict(AgeBand.choices),
            )
        )
    return {
        **f.asked(),
        "activity_type": f.activity_type,
        "demographics": demographics,
        "notes": [CONSENT_NOTE] if demographics else [],
        "figures": figures,
        "people": people,
        "tables": tables,
    }
