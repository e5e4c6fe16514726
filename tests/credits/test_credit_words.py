"""Amounts said with their unit, in the right plural: never "1 credits"."""

import pytest

from timecredits.templatetags.credits import credits_words, hours_words


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (60, "1 credit"),
        (120, "2 credits"),
        (-60, "1 credit"),
        (90, "1.5 credits"),
        (0, "0 credits"),
    ],
)
def test_credits_are_counted_in_words(minutes, words):
    assert credits_words(minutes) == words


@pytest.mark.parametrize(
    ("minutes", "words"), [(60, "1 hour"), (150, "2.5 hours"), (30, "0.5 hours"), (None, "0 hours")]
)
def test_hours_are_counted_in_words(minutes, words):
    assert hours_words(minutes) == words


def test_giving_one_credit_says_one_credit(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/me/give/", {"member_code": recipient.code, "amount": "1", "token": "t1"}, follow=True
    )

    assert f"You gave 1 credit to member {recipient.code}. Thank you!" in response.content.decode()
