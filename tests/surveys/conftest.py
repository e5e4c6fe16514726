"""A programme asking ONS4 and the direct loneliness question at joining, 3, 6 and 12 months."""

import datetime

import pytest

from tests.factories import MemberFactory, ProgrammeFactory, ProgrammeRoleFactory
from timecredits.members.models import Member
from timecredits.programmes.models import ProgrammeRole
from timecredits.surveys.instruments import LONELINESS_DIRECT, ONS4, load_built_in_instruments
from timecredits.surveys.models import Instrument, SurveySchedule
from timecredits.surveys.selectors import programme_questions

JOINED = datetime.datetime(2026, 1, 31, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def programme(db):
    load_built_in_instruments()
    programme = ProgrammeFactory()
    schedule = SurveySchedule.objects.create(programme=programme, follow_up_months=[3, 6, 12])
    schedule.instruments.set(Instrument.objects.filter(key__in=[ONS4, LONELINESS_DIRECT]))
    return programme


@pytest.fixture
def admin(programme):
    return ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user


def join(programme, *, consent=True, joined_at=JOINED):
    member = MemberFactory(programme=programme, surveys_consent=consent)
    Member.objects.filter(pk=member.pk).update(joined_at=joined_at)  # auto_now_add on create
    member.refresh_from_db()
    return member


@pytest.fixture
def surveyed(programme):
    return join(programme)


def full_answers(programme, **overrides):
    """A valid answer to every question the programme asks, keyed by question id."""
    answers = {}
    for q in programme_questions(programme=programme):
        answers[str(q.pk)] = overrides.get(q.key, "1" if q.kind == "choice" else "7")
    return answers
