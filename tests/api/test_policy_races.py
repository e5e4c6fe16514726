"""Two changes to a programme's credit policy sent at the same moment, on PostgreSQL."""

import pytest

from tests.factories import ProgrammeFactory
from tests.racing import race
from timecredits.programmes.models import Programme
from timecredits.programmes.services import programme_update_policy


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cap_and_a_step_changed_at_once_never_leave_a_cap_under_the_step():
    # Each was checked against the other's old value, so both passed and the programme kept a
    # daily cap of 15 minutes with time rounded to 60: no one could earn a credit.
    for _ in range(4):
        programme = ProgrammeFactory(daily_cap_minutes=480, rounding_minutes=15)
        outcomes = race(
            [
                lambda pk=programme.pk: programme_update_policy(
                    programme=Programme.objects.get(pk=pk), daily_cap_minutes=15
                ),
                lambda pk=programme.pk: programme_update_policy(
                    programme=Programme.objects.get(pk=pk), rounding_minutes=60
                ),
            ]
        )

        assert sorted(code for code, _ in outcomes) == ["invalid", "ok"]
        programme.refresh_from_db()
        assert programme.daily_cap_minutes >= programme.rounding_minutes
