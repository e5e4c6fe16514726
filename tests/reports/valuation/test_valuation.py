"""Estimates from a programme's own proxy values: the arithmetic, who improved, what is withheld,
and the page and API that show them apart from outputs and outcomes."""

import csv as _csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.factories import (
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
)
from tests.reports.conftest import at, coordinator_of, give
from tests.reports.surveyed import improved_by_outcome
from timecredits.reports.models import ProxyValue
from timecredits.reports.valuation.selectors import HOURS_HIDDEN, IMPROVED_HIDDEN, estimate
from timecredits.surveys.instruments import (
    LONELINESS_DIRECT,
    ONS4,
    UCLA3,
    load_built_in_instruments,
)
from timecredits.surveys.models import Indicator, Outcome, Question, Response

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
QUERY = "from=2026-03-01&to=2026-03-31"


def test_the_estimate_takes_off_deadweight_then_attribution():
    proxy = ProxyValue(value=Decimal("12.50"), deadweight_percent=20, attribution_percent=10)

    assert estimate(Decimal(8), proxy) == (Decimal("100.00"), Decimal("72.00"))


@given(
    quantity=st.decimals(min_value=0, max_value=10**6, places=2),
    value=st.decimals(min_value=Decimal("0.01"), max_value=10**5, places=2),
    deadweight=st.integers(0, 100),
    attribution=st.integers(0, 100),
)
def test_an_estimate_is_never_more_than_its_gross_nor_less_than_nothing(
    quantity, value, deadweight, attribution
):
    proxy = ProxyValue(value=value, deadweight_percent=deadweight, attribution_percent=attribution)

    gross, net = estimate(quantity, proxy)

    assert gross == (quantity * value).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(0) <= net <= gross
    if deadweight == 0 and attribution == 0:
        assert net == gross


def _question(instrument, key):
    return Question.objects.get(instrument__key=instrument, key=key)


def _answer(member, question, wave, number, day=10, month=3):
    Response.objects.create(
        member=member,
        question=question,
        wave=wave,
        value=str(number),
        number=number,
        answered_at=at(day, month),
    )


@pytest.fixture
def outcomes(world):
    """Two outcomes of the world's programme, each measured by a higher-is-better and a
    lower-is-better question."""
    load_built_in_instruments()
    programme = world["programme"]
    wellbeing = Outcome.objects.create(programme=programme, name="Better wellbeing")
    Indicator.objects.create(outcome=wellbeing, name="Satisfied, less anxious").questions.set(
        [_question(ONS4, "life_satisfaction"), _question(ONS4, "anxiety")]
    )
    lonely = Outcome.objects.create(programme=programme, name="Less lonely")
    Indicator.objects.create(outcome=lonely, name="Lonely less often").questions.set(
        [_question(LONELINESS_DIRECT, "how_often_lonely"), _question(UCLA3, "isolated")]
    )
    return wellbeing, lonely


def _surveyed(world, moves, *, area="RV1"):
    """A member with a baseline and follow-ups: moves maps a question to (baseline, [(wave,
    number, day, month), ...])."""
    member = MemberFactory(programme=world["programme"], area=area)
    for question, (before, follow_ups) in moves.items():
        _answer(member, question, 0, before, day=2, month=1)
        for wave, number, day, month in follow_ups:
            _answer(member, question, wave, number, day=day, month=month)
    return member


@pytest.fixture
def improvers(world, outcomes):
    satisfied = _question(ONS4, "life_satisfaction")
    anxious = _question(ONS4, "anxiety")
    how_often = _question(LONELINESS_DIRECT, "how_often_lonely")
    isolated = _question(UCLA3, "isolated")
    march = lambda n, wave=3, day=10: [(wave, n, day, 3)]  # noqa: E731
    return {
        # Better on both: improved on wellbeing; lonely less often, less isolated: improved.
        "both": _surveyed(
            world,
            {
                satisfied: (5, march(7)),
                anxious: (6, march(4)),
                how_often: (2, march(4)),
                isolated: (3, march(1)),
            },
        ),
        # Better on one of two is not most of them.
        "half": _surveyed(world, {satisfied: (5, march(7)), anxious: (4, march(6))}),
        # Worse at three months, better at six: the latest answer in the period counts.
        "latest": _surveyed(
            world,
            {
                satisfied: (5, march(4, 3, 5) + march(8, 6, 20)),
                anxious: (6, march(7, 3, 5) + march(2, 6, 20)),
            },
            area="RV9",
        ),
        # A follow-up in April is outside March, and a baseline alone pairs with nothing.
        "april": _surveyed(world, {satisfied: (5, [(3, 9, 2, 4)]), anxious: (6, [(3, 1, 2, 4)])}),
        "baseline_only": _surveyed(world, {satisfied: (5, []), anxious: (6, [])}),
    }


def test_members_improve_on_most_of_an_outcomes_questions_by_their_latest_answer(
    world, outcomes, improvers
):
    wellbeing, lonely = outcomes

    counts = improved_by_outcome(world["programme"], *MARCH)

    assert counts == {
        wellbeing.pk: {"paired": 3, "improved": 2},
        lonely.pk: {"paired": 1, "improved": 1},
    }


def test_an_area_counts_only_its_own_members(world, outcomes, improvers):
    wellbeing, lonely = outcomes

    counts = improved_by_outcome(world["programme"], *MARCH, area="RV9")

    assert counts == {
        wellbeing.pk: {"paired": 1, "improved": 1},
        lonely.pk: {"paired": 0, "improved": 0},
    }


def test_an_organisation_counts_the_members_who_gave_time_there(world, outcomes, improvers):
    group_a, _ = world["groups"]
    give(improvers["both"], world["sessions"][0], 60)
    wellbeing, lonely = outcomes

    counts = improved_by_outcome(world["programme"], *MARCH, organisation=group_a)

    assert counts == {
        wellbeing.pk: {"paired": 1, "improved": 1},
        lonely.pk: {"paired": 1, "improved": 1},
    }


def _proxy(programme, name, basis, value, *, outcome=None, deadweight=0, attribution=0):
    return ProxyValue.objects.create(
        programme=programme,
        name=name,
        basis=basis,
        outcome=outcome,
        value=Decimal(value),
        source=f"Invented for the test: {name}",
        deadweight_percent=deadweight,
        attribution_percent=attribution,
        created_by=UserFactory(),
    )


@pytest.fixture
def proxies(world, outcomes):
    wellbeing, lonely = outcomes
    programme = world["programme"]
    return (
        _proxy(programme, "An hour given", "hour", "10.00", deadweight=25),
        _proxy(programme, "Wellbeing improved", "outcome", "100.00", outcome=wellbeing),
        _proxy(programme, "Loneliness eased", "outcome", "50.00", outcome=lonely, attribution=50),
    )


def _lines(client, world):
    response = client.get(f"/api/v1/programmes/{world['programme'].pk}/reports/valuation?{QUERY}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_commissioner_gets_no_value_that_would_reveal_a_small_count(
    client, world, improvers, proxies, commissioner
):
    client.force_login(commissioner)

    report = _lines(client, world)

    assert "Estimate" in report["title"]
    assert report["threshold"] == 5
    hour, wellbeing, lonely = report["lines"]
    # Three members gave the five hours, and two and one improved: all fewer than five.
    assert (hour["quantity"], hour["gross"], hour["net"]) == (None, None, None)
    assert hour["withheld"] == HOURS_HIDDEN
    for line in (wellbeing, lonely):
        assert (line["quantity"], line["gross"], line["net"]) == (None, None, None)
        assert line["withheld"] == IMPROVED_HIDDEN
    assert [line["source"] for line in report["lines"]] == [p.source for p in proxies]


def test_lines_over_the_threshold_are_valued(client, world, improvers, proxies, commissioner):
    programme = world["programme"]
    programme.report_threshold = 2
    programme.save(update_fields=["report_threshold"])
    client.force_login(commissioner)

    hour, wellbeing, lonely = _lines(client, world)["lines"]

    assert (hour["quantity"], hour["gross"], hour["net"]) == ("5.0", "50.00", "37.50")
    assert hour["withheld"] == ""
    # Two improved on wellbeing beside one with no clear change: the outcomes report hides the
    # 1 and so the 2 beside it, and a value of the 2 would give the 1 back.
    assert (wellbeing["quantity"], wellbeing["net"]) == (None, None)
    assert wellbeing["withheld"] == IMPROVED_HIDDEN
    # One member is under the threshold of two, so still withheld.
    assert lonely["net"] is None and lonely["withheld"] == IMPROVED_HIDDEN


def test_a_programme_without_proxy_values_has_no_estimates(client, world, commissioner):
    client.force_login(commissioner)

    report = _lines(client, world)

    assert report["lines"] == []


def test_the_valuation_page_labels_estimates_and_names_no_one(
    client, world, improvers, proxies, commissioner
):
    client.force_login(commissioner)

    response = client.get(
        f"/programmes/{world['programme'].pk}/reports/valuation/?period=month&month=2026-03"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Estimated social value" in page
    assert "Invented for the test: Wellbeing improved" in page
    assert "suppressed" in page
    members = [*world["members"], *improvers.values()]
    for member in members:
        assert member.code not in page
        assert member.user.last_name not in page


def test_the_valuation_downloads_as_csv_and_xlsx_with_what_the_page_withholds(
    client, world, improvers, proxies, commissioner
):
    """The same lines as the page: the hour valued over the threshold, the outcomes withheld
    (blank, with why), and no one named."""
    programme = world["programme"]
    programme.report_threshold = 2
    programme.save(update_fields=["report_threshold"])
    client.force_login(commissioner)
    page = f"/programmes/{programme.pk}/reports/valuation/?period=month&month=2026-03"

    shown = client.get(page).content.decode()
    csv = client.get(page + "&format=csv")
    xlsx = client.get(page + "&format=xlsx")

    assert "format=csv" in shown and "format=xlsx" in shown
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "valuation-" in csv["Content-Disposition"]
    rows = list(_csv.reader(io.StringIO(csv.content.decode())))
    cells = {(row[1], row[2]): (row[3], row[4]) for row in rows[1:]}
    assert cells["An hour given", "Net value"] == ("37.50", "")
    assert cells["An hour given", "Gross value"] == ("50.00", "")
    withheld = cells["Wellbeing improved", "Net value"]
    assert withheld[0] == "" and withheld[1].startswith("Not valued")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "About" and "Figures" not in book.sheetnames
    about = dict(row for row in book["About"].iter_rows(values_only=True) if row[0])
    assert "Activity type" not in about
    sheet = book[book.sheetnames[-1]]
    lines = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert "Proxy value" in lines
    assert Decimal(str(lines["An hour given"][7])) == Decimal("37.50")
    assert lines["Wellbeing improved"][7] is None
    members = [*world["members"], *improvers.values()]
    for member in members:
        assert member.code not in csv.content.decode()


@pytest.mark.parametrize("who", ["member", "coordinator", "other_commissioner"])
def test_others_cannot_read_the_valuation(client, world, proxies, who):
    user = {
        "member": lambda: MemberFactory(programme=world["programme"]).user,
        "coordinator": lambda: coordinator_of(world["groups"][0]),
        "other_commissioner": lambda: ProgrammeRoleFactory(programme=ProgrammeFactory()).user,
    }[who]()
    client.force_login(user)

    api = client.get(f"/api/v1/programmes/{world['programme'].pk}/reports/valuation?{QUERY}")
    page = client.get(f"/programmes/{world['programme'].pk}/reports/valuation/")
    csv = client.get(f"/programmes/{world['programme'].pk}/reports/valuation/?format=csv")

    assert csv.status_code == 403
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "forbidden"
    assert page.status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused(client, world, commissioner):
    client.force_login(commissioner)

    response = client.get(
        f"/api/v1/programmes/{world['programme'].pk}/reports/valuation?from=2026-03-31&to=2026-03-01"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_a_count_the_outcomes_report_hides_beside_a_small_one_is_not_valued(
    client, world, outcomes, proxies, commissioner
):
    # Given six members better on wellbeing and two no different: the outcomes report hides
    # the 2 as small and the 6 beside it, so that its total of 8 does not give the 2 away.
    wellbeing, _ = outcomes
    satisfied = _question(ONS4, "life_satisfaction")
    anxious = _question(ONS4, "anxiety")
    for after in [(7, 4)] * 6 + [(5, 6)] * 2:
        _surveyed(
            world, {satisfied: (5, [(3, after[0], 10, 3)]), anxious: (6, [(3, after[1], 10, 3)])}
        )
    client.force_login(commissioner)
    shown = client.get(
        f"/api/v1/programmes/{world['programme'].pk}/reports/outcomes?{QUERY}"
    ).json()
    (table,) = [o["table"] for o in shown["outcomes"] if o["id"] == wellbeing.pk]
    assert [r["values"]["members"] for r in table["rows"]] == [None, None, 0]

    # When the commissioner asks for the valuation
    _, line, _ = _lines(client, world)["lines"]

    # Then the wellbeing line does not value the 6, which would give it back.
    assert (line["quantity"], line["gross"], line["net"]) == (None, None, None)
    assert line["withheld"] == IMPROVED_HIDDEN


def test_an_improved_count_the_outcomes_report_shows_is_valued(
    client, world, outcomes, proxies, commissioner
):
    # Given six members better on wellbeing and no one else paired on it
    satisfied = _question(ONS4, "life_satisfaction")
    anxious = _question(ONS4, "anxiety")
    for _ in range(6):
        _surveyed(world, {satisfied: (5, [(3, 7, 10, 3)]), anxious: (6, [(3, 4, 10, 3)])})
    client.force_login(commissioner)

    _, line, _ = _lines(client, world)["lines"]

    assert (line["quantity"], line["gross"], line["net"]) == ("6", "600.00", "600.00")
    assert line["withheld"] == ""
