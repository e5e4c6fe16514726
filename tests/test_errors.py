"""Problems: a form's problems collected field by field and raised as one Invalid."""

import pytest

from timecredits.errors import Invalid, Problems, http_status


def test_no_problems_raise_nothing():
    Problems().raise_if_any()


def test_problems_are_raised_in_the_order_found_with_the_shared_message():
    problems = Problems()
    problems.add("title", "Give it a title.")
    problems.add("ends_at", "Too long.", type="session_too_long")

    with pytest.raises(Invalid) as refused:
        problems.raise_if_any()

    assert type(refused.value) is Invalid
    assert http_status(refused.value) == 422
    assert refused.value.code == "invalid"
    assert refused.value.message == "Some details need another look."
    assert refused.value.detail == [
        {"field": "title", "message": "Give it a title."},
        {"field": "ends_at", "message": "Too long.", "type": "session_too_long"},
    ]


def test_a_form_can_sum_its_problems_up_in_its_own_words():
    problems = Problems()
    problems.add("1", "Choose an answer.")

    with pytest.raises(Invalid) as refused:
        problems.raise_if_any("Some answers need another look.")

    assert refused.value.message == "Some answers need another look."
    assert refused.value.detail == [{"field": "1", "message": "Choose an answer."}]
