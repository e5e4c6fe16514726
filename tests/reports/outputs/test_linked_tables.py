"""Secondary suppression across tables: figures and tables that count the same people, read
together, reveal no hidden cell. Plain data through the report's own presentation step."""

from collections import defaultdict
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reports.outputs import subtraction
from timecredits.reports.disclosure import SECONDARY, SMALL, Table
from timecredits.reports.outputs.selectors.presented import PEOPLE, SUMS, _present

THRESHOLD = 5


@dataclass(frozen=True)
class Person:
    """An active member: where they live, how regularly they gave time, hours per activity type."""

    area: str = "RV1"
    regularity: str = "weekly"
    hours: tuple = (("befriending", 1.0),)
    age_band: str = "25_34"
    gender: str = "woman"
    consent: bool = True


def _table(name, people, rows_of):
    """`rows_of` gives a person's (row, hours) pairs: one for a partition, several for a cover."""
    members, hours = defaultdict(int), defaultdict(float)
    for person in people:
        for row, spent in rows_of(person):
            members[row] += 1
            hours[row] += spent
    rows = [
        {"key": k, "label": k, "values": {"members": members[k], "hours": hours[k]}}
        for k in sorted(members)
    ]
    total = {c: sum(r["values"][c] for r in rows) for c in ("members", "hours")}
    columns = [("members", "Members"), ("hours", "Hours given")]
    return Table(name, name, "members", columns, rows, total)


def _hours(person: Person) -> float:
    return sum(h for _, h in person.hours)


def _outputs(people: list[Person]) -> dict:
    """What `selectors.programme_outputs` gives for these members (none new, none spending)."""
    active = len(people)
    hours = sum(h for p in people for _, h in p.hours)
    consenting = [p for p in people if p.consent]
    empty = Table("x", "x", "members", [("members", "Members")], [], {"members": 0})
    spend = [("members", "Members"), ("credits_minutes", "Credits spent (minutes)")]
    figures = dict.fromkeys(
        ["new_members", "new_to_volunteering", "sessions_held", "check_ins"], 0
    ) | dict.fromkeys([f"credits_{k}_minutes" for k in ("earned", "spent", "donated")], 0)
    figures |= {
        "active_members": active,
        "hours_given": hours,
        "credits_expired_minutes": 0,
        "credits_unspent_minutes": 0,
        "active_organisations": 1,
    }
    return {
        "notes": [],
        "figures": figures,
        "people": {"active_members": active, "hours_given": active, "new_members": 0},
        "tables": [
            Table(**{**empty.__dict__, "name": "new_members", "suppressed": {}}),
            _table("activity_type", people, lambda p: p.hours),
            _table("area", people, lambda p: [(p.area, _hours(p))]),
            _table("age_band", consenting, lambda p: [(p.age_band, _hours(p))]),
            _table("gender", consenting, lambda p: [(p.gender, _hours(p))]),
            _table("regularity", people, lambda p: [(p.regularity, _hours(p))]),
            *(
                Table(name, name, "members", spend, [], {"members": 0, "credits_minutes": 0})
                for name in ("spend_by_venue", "spend_by_category")
            ),
        ],
    }


def _shown(report) -> tuple[dict, dict]:
    figures = {f["key"]: f["value"] for f in report["figures"]}
    return figures, {t["name"]: t for t in report["tables"]}


def _values(table, column="members") -> list:
    return [r["values"][column] for r in table["rows"]]


def test_an_activity_type_table_that_hides_its_total_hides_the_headline_too():
    # Given eight members, four in each of two activity types and each in one of them.
    people = [Person(hours=(("befriending", 1.0),))] * 4 + [
        Person(hours=(("mutual_aid", 2.0),))
    ] * 4

    # When a commissioner reads the report
    figures, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    # Then the two fours are hidden, and neither the table nor the headline says they add to 8.
    assert _values(tables["activity_type"]) == [None, None]
    assert tables["activity_type"]["total"] == {"members": None, "hours": None}
    assert figures["active_members"] is None
    assert figures["hours_given"] is None


def test_credits_earned_are_hidden_with_the_hours_they_were_earned_for():
    # Hours given hidden as secondary, credits earned shown beside them: one credit an hour gave
    # the hidden hours straight back (found by probing the commissioner's report).
    people = [Person(hours=(("befriending", 1.0),))] * 4 + [
        Person(hours=(("mutual_aid", 2.0),))
    ] * 4
    outputs = _outputs(people)
    outputs["figures"]["credits_earned_minutes"] = 12 * 60

    report = _present(outputs, threshold=THRESHOLD)

    figures, _tables = _shown(report)
    assert figures["hours_given"] is None
    assert figures["credits_earned_minutes"] is None
    (earned,) = [f for f in report["figures"] if f["key"] == "credits_earned_minutes"]
    assert earned["suppressed"] == SECONDARY


def test_members_in_two_activity_types_are_protected_by_the_headline_too():
    # Given four members in both of two activity types, and four more in the second only.
    both = (("befriending", 1.0), ("mutual_aid", 1.0))
    people = [Person(hours=both)] * 4 + [Person(hours=(("mutual_aid", 1.0),))] * 4

    figures, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    # Then: befriending 4 is hidden, and so is mutual aid 8 beside it, the table's total (12)
    # being shown; the 8 active members say nothing more.
    assert _values(tables["activity_type"]) == [None, None]
    assert tables["activity_type"]["total"] == {"members": 12, "hours": 12.0}
    assert figures["active_members"] == 8


def test_demographic_tables_of_the_same_people_hide_their_shared_total_together():
    # Given eight consenting members: age bands four and four, gender six and two.
    people = [Person(age_band="25_34", gender="woman")] * 4
    people += [Person(age_band="65_74", gender="woman")] * 2
    people += [Person(age_band="65_74", gender="man")] * 2

    _, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    # Then the age bands hide their total, and so gender may not show it.
    assert _values(tables["age_band"]) == [None, None]
    assert tables["age_band"]["total"]["members"] is None
    assert _values(tables["gender"]) == [None, None]
    assert tables["gender"]["total"] == {"members": None, "hours": None}
    assert ("total", "members") in {(s["row"], s["column"]) for s in tables["gender"]["suppressed"]}


def test_a_table_showing_every_row_cannot_give_away_a_total_hidden_elsewhere():
    # Given eight consenting members, four and four by age band, all women.
    people = [Person(age_band="25_34")] * 4 + [Person(age_band="65_74")] * 4

    _, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    # Then the gender row of eight, being the age bands' total, is hidden too.
    assert _values(tables["gender"]) == [None]
    assert tables["gender"]["suppressed"][0]["reason"] == SECONDARY


def test_when_every_active_member_consents_a_hidden_headline_is_hidden_in_the_demographics_too():
    # Six active members, all consenting (as every table is under a demographic filter), one
    # of them the only one in mutual aid: the activity types hide their total, and with it the
    # headline, but the age band and gender tables counted the same six and showed "Total 6".
    people = [Person(hours=(("befriending", 2.0),))] * 5
    people += [Person(hours=(("mutual_aid", 3.0),))]

    figures, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    # Now they hide it as the area and regularity tables do (no small cell is pinned by the rows
    # they show: the property test below reads them all together).
    assert (figures["active_members"], figures["hours_given"]) == (None, None)
    for name in ("age_band", "gender", "area", "regularity"):
        assert tables[name]["total"] == {"members": None, "hours": None}, name


def test_reports_without_small_counts_change_nothing():
    people = [Person(area=a, regularity=r) for a in ("RV1", "RV2") for r in ("weekly", "monthly")]
    people *= 5

    figures, tables = _shown(_present(_outputs(people), threshold=THRESHOLD))

    assert figures["active_members"] == 20
    assert all(not t["suppressed"] for t in tables.values())
    assert _values(tables["area"]) == [10, 10]


def _sums(ranges: list) -> set:
    """Every sum that cells with these (lowest, highest) values can make."""
    sums = {0}
    for lo, hi in ranges:
        sums = {s + v for s in sums for v in range(lo, hi + 1)}
    return sums


def _reader(table, most: int, threshold: int) -> dict:
    """What a reader can tell of each hidden cell: its lowest and highest possible value."""
    ranges = {}
    for s in table["suppressed"]:
        if s["row"] != "total" and s["column"] == "members":
            small = s["reason"] == SMALL
            ranges[s["row"]] = (1, threshold - 1) if small else (threshold, max(threshold, most))
    return ranges


def _shown_people(table, cover: bool) -> set | None:
    """How many people the table says it counts by what it shows, or None if it leaves that
    open: its total, or its rows when none is hidden (a cover's add up to at least them)."""
    shown = _values(table)
    if table["total"]["members"] is not None and not cover:
        return {table["total"]["members"]}
    if None in shown:
        return None
    return set(range(max(shown, default=0), sum(shown) + 1)) if cover else {sum(shown)}


def _pinned_cells(figures, tables, figure, parts, covers, threshold) -> list:
    """Small hidden cells a reader pins from the shown totals and rows of linked tables: given
    every number of people they could all count, each cell's possible values, by brute force."""
    names = [*parts, *covers]
    most = 40  # more people than any example has
    people = set(range(most + 1)) if figures.get(figure) is None else {figures[figure]}
    for n in names:
        people &= _shown_people(tables[n], n in covers) or people
    pinned = []
    for n in names:
        readers = _reader(tables[n], most, threshold)
        shown = sum(v for v in _values(tables[n]) if v is not None)
        own = tables[n]["total"]["members"]
        for key, (lo, hi) in readers.items():
            if lo >= threshold:
                continue
            others = _sums([r for k, r in readers.items() if k != key])
            values = {
                v
                for v in range(lo, hi + 1)
                for t in people
                for rest in others
                if (
                    shown + v + rest == (t if n in parts else own)
                    or (n in covers and own is None and shown + v + rest >= t)
                )
            }
            if len(values) == 1:
                pinned.append((n, key, values))
    return pinned


people_strategy = st.lists(
    st.builds(
        Person,
        area=st.sampled_from(["RV1", "RV2", "RV3"]),
        regularity=st.sampled_from(["weekly", "monthly", "occasional"]),
        hours=st.lists(
            st.tuples(st.sampled_from(["befriending", "mutual_aid", "campaigning"]), st.just(1.5)),
            min_size=1,
            max_size=3,
            unique_by=lambda h: h[0],
        ).map(tuple),
        age_band=st.sampled_from(["25_34", "50_64", "65_74"]),
        gender=st.sampled_from(["woman", "man", ""]),
        consent=st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=150)
@given(people=people_strategy, threshold=st.sampled_from([3, 5]))
def test_no_hidden_cell_can_be_recovered_from_the_tables_read_together(people, threshold):
    # Given a commissioner's report over random members
    figures, tables = _shown(_present(_outputs(people), threshold=threshold))

    # Then, for every group of figures and tables that count the same people, no small hidden
    # cell is pinned by what they show together,
    for figure, parts, covers in PEOPLE:
        assert _pinned_cells(figures, tables, figure, parts, covers, threshold) == []
    # and when everyone consents, the consenting tables count the same people as the rest:
    # read with them, they pin no small cell either;
    if all(p.consent for p in people):
        merged = (
            "active_members",
            ("area", "regularity", "age_band", "gender"),
            ("activity_type",),
        )
        assert _pinned_cells(figures, tables, *merged, threshold) == []
    # and no hidden sum is a shown total less the cells shown beside it.
    for figure, column, names in SUMS:
        known = figures.get(figure) is not None or any(
            tables[n]["total"][column] is not None
            or all(v is not None for v in _values(tables[n], column))
            for n in names
        )
        for name in names:
            hidden = [v for v in _values(tables[name], column) if v is None]
            assert not (known and len(hidden) == 1), (name, column)


def test_the_finding_two_left_out_of_ten_are_not_pinned_by_subtraction():
    # Given ten active members (70.0 hours), eight of whom consent to reports (50.5 hours):
    # by age band five and three, all women, as in the finding.
    consenting = [Person(area="RV1", age_band="25_34", hours=(("befriending", 6.5),))] * 5
    consenting += [Person(area="RV2", age_band="65_74", hours=(("befriending", 6.0),))] * 3
    others = [Person(area="RV2", consent=False, hours=(("befriending", h),)) for h in (10.0, 9.5)]

    report = _present(_outputs(consenting + others), threshold=THRESHOLD)
    figures, tables = _shown(report)

    # Then the active members are shown, but neither consenting table shows its 8 or 50.5 hours,
    assert (figures["active_members"], figures["hours_given"]) == (10, 70.0)
    for name in ("age_band", "gender"):
        assert tables[name]["total"] == {"members": None, "hours": None}
    # the gender table's one row (the eight women) is hidden as a difference too,
    assert _values(tables["gender"]) == [None]
    assert tables["gender"]["suppressed"][0]["reason"] == "difference"
    # and a reader of both learns no more than that one to four are left out.
    assert subtraction.pinned_left_out(figures, tables, THRESHOLD, told=True) == []
    ages = subtraction.table_people(tables["age_band"], THRESHOLD, cover=False)
    assert subtraction.left_out({10}, ages) & set(range(1, THRESHOLD)) == {1, 2, 3, 4}
    assert not subtraction.hours_left_out_known(figures, tables)


@settings(max_examples=300)
@given(people=people_strategy, threshold=st.sampled_from([3, 5]))
def test_tables_of_different_consent_bases_read_against_each_other_pin_no_small_count(
    people, threshold
):
    # Given a commissioner's report over random members, some of whom do not consent
    report = _present(_outputs(people), threshold=threshold)
    figures, tables = _shown(report)
    left = len(people) - sum(p.consent for p in people)
    told = subtraction.told_small(report["figures"], report["tables"])

    # Then no pair or group of an all-member and a consenting table (the active members among
    # them) pins how many are left out when that is small, nor gives their hours (if none
    # consents, those left out are the active members, whose own tables protect them; if
    # everything is hidden, the reasons alone can pin a count, the module's known limit);
    if left < len(people) and not subtraction.pinned_whatever_is_hidden(
        figures, tables, threshold, told=told
    ):
        assert subtraction.pinned_left_out(figures, tables, threshold, told=told) == []
    if 0 < left < threshold and left < len(people):
        assert not subtraction.hours_left_out_known(figures, tables)
    # and when none is left out, or at least the threshold, nothing is hidden for it.
    if not 0 < left < threshold:
        assert "difference" not in subtraction.reasons(report["figures"], report["tables"])
