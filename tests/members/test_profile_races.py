"""Two members changing to the same email or phone at the same moment, on PostgreSQL."""

import pytest

from tests.factories import MemberFactory
from tests.racing import race
from timecredits.members.models import User
from timecredits.members.normalise import normalise_phone
from timecredits.members.services import member_update_profile


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("field", "value"), [("email", "same@example.org"), ("phone", "07700 900123")]
)
def test_two_members_taking_one_contact_at_once_one_gets_it_the_other_a_field_error(field, value):
    # Both passed the check that no one else has it; the second save then met the unique
    # index: an IntegrityError, a 500.
    for round_ in range(3):
        ann, bo = (MemberFactory(user__email=f"{who}{round_}@example.org") for who in "ab")
        outcomes = race(
            [
                lambda m=m: member_update_profile(
                    member=m,
                    first_name="Ann",
                    last_name="",
                    email=value if field == "email" else m.user.email,
                    phone=value if field == "phone" else "",
                )
                for m in (ann, bo)
            ]
        )

        codes = sorted(code for code, _ in outcomes)
        assert codes == ["invalid", "ok"]
        (refused,) = [error for code, error in outcomes if code == "invalid"]
        # Whichever way it lost (the check before saving, or the unique index at saving), the
        # field says why.
        assert [p["field"] for p in refused.detail] == [field]
        assert refused.detail[0]["message"].startswith(f"Another account already has this {field}")
        stored = normalise_phone(value) if field == "phone" else value
        assert User.objects.filter(**{field: stored}).count() == 1
        User.objects.filter(pk__in=[ann.user_id, bo.user_id]).update(email="", phone="")
