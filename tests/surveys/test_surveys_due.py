import datetime

from tests.surveys.conftest import JOINED, full_answers, join
from timecredits.surveys.models import Response, SurveySchedule
from timecredits.surveys.selectors import add_months, surveys_due
from timecredits.surveys.services import responses_save


def _waves(member, now):
    return [(w.name, w.due_at) for w in surveys_due(member, now)]


def test_a_new_member_owes_the_baseline_only(surveyed):
    assert _waves(surveyed, JOINED) == [("baseline", JOINED)]


def test_follow_ups_fall_due_by_calendar_months_from_joining(surveyed, programme):
    responses_save(actor=surveyed.user, wave=0, answers=full_answers(programme), now=JOINED)
    three_months = datetime.datetime(2026, 4, 30, 10, 0, tzinfo=datetime.UTC)  # 31 Jan + 3

    assert _waves(surveyed, three_months - datetime.timedelta(seconds=1)) == []
    assert _waves(surveyed, three_months) == [("3", three_months)]


def test_every_follow_up_whose_time_has_come_and_is_unanswered_is_due(surveyed, programme):
    responses_save(actor=surveyed.user, wave=0, answers=full_answers(programme), now=JOINED)
    responses_save(
        actor=surveyed.user,
        wave=3,
        answers=full_answers(programme),
        now=add_months(JOINED, 3),
    )

    assert [w.wave for w in surveys_due(surveyed, add_months(JOINED, 13))] == [6, 12]


def test_an_unanswered_baseline_stays_due_alongside_follow_ups(surveyed):
    assert [w.wave for w in surveys_due(surveyed, add_months(JOINED, 7))] == [0, 3, 6]


def test_nothing_is_offered_without_consent(programme):
    member = join(programme, consent=False)

    assert surveys_due(member, add_months(JOINED, 13)) == []


def test_withdrawing_consent_stops_the_offer(surveyed):
    surveyed.surveys_consent = False
    surveyed.save(update_fields=["surveys_consent"])

    assert surveys_due(surveyed, JOINED) == []


def test_nothing_is_offered_when_the_programme_asks_nothing(surveyed, programme):
    SurveySchedule.objects.get(programme=programme).instruments.clear()

    assert surveys_due(surveyed, add_months(JOINED, 13)) == []
    assert Response.objects.count() == 0


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(JOINED, 1) == datetime.datetime(2026, 2, 28, 10, 0, tzinfo=datetime.UTC)
    assert add_months(JOINED, 12) == datetime.datetime(2027, 1, 31, 10, 0, tzinfo=datetime.UTC)
    leap = datetime.datetime(2027, 11, 30, tzinfo=datetime.UTC)
    assert add_months(leap, 3) == datetime.datetime(2028, 2, 29, tzinfo=datetime.UTC)
