"""Hand-built contributions, approved through the real service so the ledger earns for them."""

import datetime
import itertools
import re

import pytest
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    SessionFactory,
    StaffMembershipFactory,
    UserFactory,
    approved_organisation,
)
from timecredits.activities.models import Contribution
from timecredits.activities.services.verification import contribution_approve
from timecredits.programmes.models import ProgrammeRole
from timecredits.reports.use_cases.snapshots import snapshot_request

_seq = itertools.count()


def shows_number(text: str, number: str) -> bool:
    """Whether `text` shows `number` ("19.5", "1,173") as a number of its own, trailing zeros
    allowed, rather than inside a longer one: a report's time, such as 16:58:50.512345, holds
    "50.5" one time in a few hundred."""
    return re.search(rf"(?<!\d){re.escape(number)}0*(?!\d)", text) is not None


def at(day: int, month: int = 3) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 10, 0))


def session(activity, day, month=3):
    return SessionFactory(
        activity=activity,
        starts_at=at(day, month),
        ends_at=at(day, month) + datetime.timedelta(hours=3),
    )


def give(member, session, minutes, *, method="kiosk", status="approved", staff=None):
    contribution = Contribution.objects.create(
        member=member,
        session=session,
        status="pending" if status == "approved" else status,
        method=method,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at + datetime.timedelta(minutes=minutes),
        minutes=minutes,
    )
    if status == "approved":
        contribution_approve(
            actor=staff or UserFactory(is_superuser=True), contribution=contribution
        )
        contribution.refresh_from_db()
    return contribution


@pytest.fixture
def world(db):
    """March 2026 in one programme: two groups, three sessions in March and one in April."""
    from timecredits.members.models import Member

    programme = ProgrammeFactory(report_threshold=5)
    group_a = approved_organisation(programme, name="Allotment Friends")
    group_b = approved_organisation(programme, name="Befriending Circle")
    gardening = ActivityFactory(
        programme=programme, organisation=group_a, type="formal_volunteering"
    )
    visiting = ActivityFactory(programme=programme, organisation=group_b, type="befriending")
    members = [
        MemberFactory(
            programme=programme,
            area=area,
            gender=gender,
            age_band=age,
            new_to_volunteering=new,
            reports_consent=consent,
            user__first_name=f"Zebedee{i}",
            user__last_name=f"Quartermaine{i}",
        )
        for i, (area, gender, age, new, consent) in enumerate(
            [
                ("RV1", "woman", "25_34", True, True),
                ("RV1", "man", "65_74", False, True),
                ("RV2", "woman", "25_34", True, False),
                ("RV2", "", "", None, True),
                ("RV1", "woman", "35_49", True, True),
                ("RV3", "man", "50_64", False, True),
            ]
        )
    ]
    Member.objects.filter(pk__in=[m.pk for m in members[:3]]).update(joined_at=at(2))
    Member.objects.filter(pk__in=[m.pk for m in members[3:]]).update(joined_at=at(2, 1))
    s_a1, s_a2 = session(gardening, 5), session(gardening, 20)
    s_b1, s_out = session(visiting, 10), session(gardening, 2, month=4)
    m1, m2, m3, m4, m5, m6 = members
    give(m1, s_a1, 120, method="kiosk")
    give(m2, s_a1, 90, method="pass")
    give(m3, s_a2, 60, method="manual")
    give(m1, s_b1, 30, method="poster")
    give(m4, s_b1, 45, method="claim", status="pending")
    give(m5, s_b1, 60, method="kiosk", status="rejected")
    give(m6, s_out, 60, method="kiosk")
    return {
        "programme": programme,
        "groups": (group_a, group_b),
        "members": members,
        "sessions": (s_a1, s_a2, s_b1, s_out),
    }


def commissioner_of(programme):
    return ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.COMMISSIONER).user


def admin_of(programme):
    return ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user


def coordinator_of(organisation):
    return StaffMembershipFactory(
        organisation=organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def snapshot_built(programme, capture_on_commit, *, admin=None, month="2026-03"):
    """The month's snapshot of the programme, asked for by an admin (`admin`, or a new one) and
    built by the worker (`capture_on_commit`: pytest-django's django_capture_on_commit_callbacks);
    it must be ready."""
    with capture_on_commit(execute=True):
        snapshot, _ = snapshot_request(
            actor=admin or admin_of(programme), programme_id=programme.pk, month=month
        )
    snapshot.refresh_from_db()
    assert snapshot.status == "ready", snapshot.error
    return snapshot


@pytest.fixture
def commissioner(world):
    return commissioner_of(world["programme"])
