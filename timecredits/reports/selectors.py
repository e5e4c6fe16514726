"""Output figures for a programme (or one organisation in it), as plain data, from aggregates.

Every figure covers one period of dates (inclusive, in local time) and the same filter:

- The **filter's contributions** are those at sessions of the programme's activities that start in
  the period, narrowed by organisation (the group that ran the activity), activity type, and the
  member's area.
- **Active members**: distinct members with an approved contribution among them. **Hours given**:
  their approved minutes / 60. **Sessions held**: distinct sessions with such a contribution.
  **Check-ins**: the filter's contributions made by QR poster, door kiosk or pass, whatever their
  later status. **Active organisations**: distinct organisations among approved contributions.
- **New members** joined the programme in the period (in the area). With an organisation or
  activity type filter, only those also active in the filter. **New to volunteering** is of those.
- **Credits earned** is the ledger's own figure: the `earn` transfers caused by the filter's
  contributions, less their reversals, in ledger minutes (60 = one credit).
- **Credits spent, donated, expired** are the ledger's `spend` (posted), `donate` and `expire`
  transfers (less expiries reversed) from members of the programme (in the area), posted in the
  period; with an organisation filter, spending is at that venue. Activity type does not apply.
- **Consent.** Headline figures and the activity, organisation, area and spending tables count
  every member: they are records of the service that must reconcile with the ledger. The age
  band and gender tables count only members who consent to anonymous reports
  (`Member.reports_consent` as it is now); their totals say so.

Unsuppressed: `reports.services` applies disclosure control for whoever is asking.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from ledger.models import Account, Transfer
from partners.models import Offer, Organisation, Redemption
from timecredits.activities.models import Activity, Contribution
from timecredits.members.models import Member

from .disclosure import Table

CHECK_IN_METHODS = [
    Contribution.Method.POSTER,
    Contribution.Method.KIOSK,
    Contribution.Method.PASS,
]
POSTED = [Transfer.Phase.SINGLE, Transfer.Phase.POST]


@dataclass(frozen=True)
class Filter:
    programme: object
    period_start: datetime.date
    period_end: datetime.date
    organisation: object = None
    activity_type: str = ""
    area: str = ""

    @property
    def since(self) -> datetime.datetime:
        return _local_midnight(self.period_start)

    @property
    def until(self) -> datetime.datetime:
        return _local_midnight(self.period_end + datetime.timedelta(days=1))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _contributions(f: Filter):
    qs = Contribution.objects.filter(
        session__activity__programme=f.programme,
        session__starts_at__gte=f.since,
        session__starts_at__lt=f.until,
    )
    if f.organisation is not None:
        qs = qs.filter(session__activity__organisation=f.organisation)
    if f.activity_type:
        qs = qs.filter(session__activity__type=f.activity_type)
    if f.area:
        qs = qs.filter(member__area=f.area)
    return qs


def _approved(f: Filter):
    return _contributions(f).filter(status=Contribution.Status.APPROVED)


def _member_transfers(f: Filter, kind: str, *, side: str = "debit"):
    account = f"{side}_account"
    qs = Transfer.objects.filter(
        kind=kind,
        phase__in=POSTED,
        posted_at__gte=f.since,
        posted_at__lt=f.until,
        **{f"{account}__kind": Account.Kind.MEMBER, f"{account}__member__programme": f.programme},
    )
    if f.area:
        qs = qs.filter(**{f"{account}__member__area": f.area})
    return qs


def credits_earned(f: Filter) -> int:
    """Ledger minutes earned by the filter's contributions, net of reversals."""
    caused = Transfer.objects.filter(
        cause_type="contribution",
        cause_id__in=_contributions(f).values("pk"),
        phase__in=POSTED,
    ).aggregate(
        earned=Sum("amount", filter=Q(kind=Transfer.Kind.EARN), default=0),
        reversed=Sum(
            "amount",
            filter=Q(kind=Transfer.Kind.REVERSE, reverses__kind=Transfer.Kind.EARN),
            default=0,
        ),
    )
    return caused["earned"] - caused["reversed"]


def _spending(f: Filter):
    qs = _member_transfers(f, Transfer.Kind.SPEND)
    if f.organisation is not None:
        qs = qs.filter(credit_account__organisation=f.organisation)
    return qs


def _figures(f: Filter) -> tuple[dict, dict, Table]:
    approved = _approved(f).aggregate(
        active_members=Count("member", distinct=True),
        minutes=Sum("minutes", default=0),
        sessions_held=Count("session", distinct=True),
        active_organisations=Count("session__activity__organisation", distinct=True),
    )
    check_ins = (
        _contributions(f)
        .filter(method__in=CHECK_IN_METHODS)
        .aggregate(n=Count("pk"), people=Count("member", distinct=True))
    )
    joined = Member.objects.filter(
        programme=f.programme, joined_at__gte=f.since, joined_at__lt=f.until
    )
    if f.area:
        joined = joined.filter(area=f.area)
    if f.organisation is not None or f.activity_type:
        joined = joined.filter(pk__in=_approved(f).values("member"))
    new = joined.aggregate(
        n=Count("pk"),
        yes=Count("pk", filter=Q(new_to_volunteering=True)),
        no=Count("pk", filter=Q(new_to_volunteering=False)),
    )
    spent = _spending(f).aggregate(
        minutes=Sum("amount", default=0), people=Count("debit_account__member", distinct=True)
    )
    donated = _member_transfers(f, Transfer.Kind.DONATE).aggregate(
        minutes=Sum("amount", default=0), people=Count("debit_account__member", distinct=True)
    )
    expired = _member_transfers(f, Transfer.Kind.EXPIRE).aggregate(
        minutes=Sum("amount", default=0), people=Count("debit_account__member", distinct=True)
    )
    restored = (
        _member_transfers(f, Transfer.Kind.REVERSE, side="credit")
        .filter(reverses__kind=Transfer.Kind.EXPIRE)
        .aggregate(minutes=Sum("amount", default=0))
    )
    figures = {
        "active_members": approved["active_members"],
        "new_members": new["n"],
        "new_to_volunteering": new["yes"],
        "hours_given": round(approved["minutes"] / 60, 2),
        "sessions_held": approved["sessions_held"],
        "check_ins": check_ins["n"],
        "credits_earned_minutes": credits_earned(f),
        "credits_spent_minutes": spent["minutes"],
        "credits_donated_minutes": donated["minutes"],
        "credits_expired_minutes": expired["minutes"] - restored["minutes"],
        "active_organisations": approved["active_organisations"],
    }
    people = {
        "active_members": approved["active_members"],
        "new_members": new["n"],
        "new_to_volunteering": new["yes"],
        "hours_given": approved["active_members"],
        "check_ins": check_ins["people"],
        "credits_earned_minutes": approved["active_members"],
        "credits_spent_minutes": spent["people"],
        "credits_donated_minutes": donated["people"],
        "credits_expired_minutes": expired["people"],
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


def _breakdown(f, *, name, title, field, labels, consenting=False, note="") -> Table:
    qs = _approved(f)
    if consenting:
        qs = qs.filter(member__reports_consent=True)
    grouped = (
        qs.values(key=F(field))
        .annotate(members=Count("member", distinct=True), minutes=Sum("minutes"))
        .order_by("key")
    )
    columns = [("members", "Members"), ("hours", "Hours given")]
    rows = [
        _row(
            g["key"] if g["key"] not in ("", None) else "unknown",
            labels.get(g["key"]) or ("Not answered" if g["key"] in ("", None) else g["key"]),
            members=g["members"],
            hours=round(g["minutes"] / 60, 2),
        )
        for g in grouped
    ]
    return Table(name, title, "members", columns, rows, _total(rows, columns), note=note)


def _spend_table(f, *, name, title, key, labels) -> Table:
    grouped = (
        _spending(f)
        .values(key=key)
        .annotate(members=Count("debit_account__member", distinct=True), minutes=Sum("amount"))
        .order_by("key")
    )
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


def programme_outputs(
    programme,
    period_start: datetime.date,
    period_end: datetime.date,
    organisation=None,
    activity_type: str = "",
    area: str = "",
) -> dict:
    """Every output figure and breakdown for the filter, unsuppressed."""
    f = Filter(programme, period_start, period_end, organisation, activity_type or "", area or "")
    figures, people, new_table = _figures(f)
    venue_ids = _spending(f).values_list("credit_account__organisation", flat=True).distinct()
    venues = dict(Organisation.objects.filter(pk__in=venue_ids).values_list("pk", "name"))
    category = Redemption.objects.filter(pk=OuterRef("cause_id")).values("offer__category")[:1]
    several = "A member active in several rows is counted in each; the total adds the rows."
    tables = [
        new_table,
        _breakdown(
            f,
            name="activity_type",
            title="By activity type",
            field="session__activity__type",
            labels=dict(Activity.Type.choices),
            note=several,
        ),
        _breakdown(f, name="area", title="By area", field="member__area", labels={}),
        _breakdown(
            f,
            name="age_band",
            title="By age band (members who consent to reports)",
            field="member__age_band",
            labels=dict(Member.AgeBand.choices),
            consenting=True,
        ),
        _breakdown(
            f,
            name="gender",
            title="By gender (members who consent to reports)",
            field="member__gender",
            labels=dict(Member.Gender.choices),
            consenting=True,
        ),
        _spend_table(
            f,
            name="spend_by_venue",
            title="Spending by venue",
            key=F("credit_account__organisation"),
            labels=venues,
        ),
        _spend_table(
            f,
            name="spend_by_category",
            title="Spending by offer category",
            key=Subquery(category),
            labels=dict(Offer.Category.choices),
        ),
    ]
    return {
        "programme_id": programme.pk,
        "period_start": period_start,
        "period_end": period_end,
        "organisation_id": organisation.pk if organisation is not None else None,
        "activity_type": f.activity_type,
        "area": f.area,
        "threshold": programme.report_threshold,
        "figures": figures,
        "people": people,
        "tables": tables,
    }
