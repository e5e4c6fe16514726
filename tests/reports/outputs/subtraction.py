"""What a reader of a presented report can work out by subtraction, by brute force: how many
people a group of linked tables can count, and so how many the consenting tables leave out of
the active members, given only what is shown and the reasons for what is hidden."""

MOST = 60  # more people than any example has
# The report's two consent bases, as a reader knows them from the tables' titles: the active
# members (the headline, and by area, regularity and activity type, where one member can be in
# several activity types), and those of them who consent to reports (by age band and gender).
ACTIVE = ("active_members", ("area", "regularity"), ("activity_type",))
CONSENTING = (None, ("age_band", "gender"), ())


def _sums(ranges: list) -> set:
    """Every sum that cells with these (lowest, highest) values can make."""
    sums = {0}
    for lo, hi in ranges:
        sums = {s + v for s in sums for v in range(lo, hi + 1)}
    return sums


def _hidden_ranges(table: dict, threshold: int) -> list:
    """A hidden count is 1 to threshold - 1 if small, and otherwise at least the threshold."""
    return [
        (1, threshold - 1) if s["reason"] == "small" else (threshold, MOST)
        for s in table["suppressed"]
        if s["row"] != "total" and s["column"] == "members"
    ]


def table_people(table: dict, threshold: int, *, cover: bool) -> set:
    """How many people the table can count: its rows add up to them, or (a cover, where one
    person can be in several rows) add up to at least them, none being more."""
    shown = [r["values"]["members"] for r in table["rows"] if r["values"]["members"] is not None]
    hidden = _hidden_ranges(table, threshold)
    total = table["total"]["members"]
    if cover:
        most = total if total is not None else sum(shown) + sum(hi for _, hi in hidden)
        people = set(range(max([*shown, *(lo for lo, _ in hidden)], default=0), most + 1))
    elif total is not None:
        people = {total}
    else:
        people = {sum(shown) + s for s in _sums(hidden)}
    total_reason = {s["reason"] for s in table["suppressed"] if s["row"] == "total"}
    if "small" in total_reason:
        people &= set(range(1, threshold))
    return people


def group_people(figures: dict, tables: dict, group: tuple, threshold: int) -> set:
    """How many people a group of linked tables (with its headline figure) can count."""
    figure, parts, covers = group
    people = set(range(MOST + 1))
    if figure is not None and figures[figure] is not None:
        people &= {figures[figure]}
    for name in parts:
        people &= table_people(tables[name], threshold, cover=False)
    for name in covers:
        people &= table_people(tables[name], threshold, cover=True)
    return people


def left_out(outer: set, inner: set) -> set:
    """Every count of people the outer group can have that the inner one does not count."""
    return {a - c for a in outer for c in inner if c <= a}


def sum_known(figures: dict, tables: dict, group: tuple, column: str, figure=None) -> bool:
    """Whether the group's sum (hours) is shown: as a headline, a total, or every row of one."""
    _, parts, covers = group
    if figure is not None and figures[figure] is not None:
        return True
    for name in (*parts, *covers):
        table = tables[name]
        values = [r["values"][column] for r in table["rows"]]
        if table["total"][column] is not None or None not in values:
            return True
    return False


def pinned_left_out(figures: dict, tables: dict, threshold: int, *, told: bool) -> list:
    """Ways a reader pins a small number of active members left out of the consenting tables:
    each group or pair of tables of the two consent bases (with the active members shown) read
    against each other, as (outer, inner, the counts left out that they allow). If `told` (a
    figure of theirs is hidden as a "difference"), the reader knows that number is small and
    keeps only the small counts allowed; one small count left is a pin."""
    small = set(range(1, threshold))
    figure, outer_parts, outer_covers = ACTIVE
    _, inner_parts, _ = CONSENTING
    outers = {"active": group_people(figures, tables, ACTIVE, threshold)}
    if figures[figure] is not None:
        outers[figure] = {figures[figure]}
    for name in outer_parts:
        outers[name] = table_people(tables[name], threshold, cover=False)
    for name in outer_covers:
        outers[name] = table_people(tables[name], threshold, cover=True)
    inners = {"consenting": group_people(figures, tables, CONSENTING, threshold)}
    for name in inner_parts:
        inners[name] = table_people(tables[name], threshold, cover=False)
    pins = []
    for a, outer in outers.items():
        for c, inner in inners.items():
            allowed = left_out(outer, inner) & small if told else left_out(outer, inner)
            if threshold > 2 and len(allowed) == 1 and allowed <= small:
                pins.append((a, c, allowed))
    return pins


def pinned_whatever_is_hidden(figures: dict, tables: dict, threshold: int, *, told: bool) -> bool:
    """Whether the number left out would still be pinned with every total and every non-zero
    count of both consent bases hidden (a shown count is at least the threshold): then the
    reasons alone pin it and no more hiding could help (the module's known limit)."""
    names = {*ACTIVE[1], *ACTIVE[2], *CONSENTING[1], *CONSENTING[2]}
    hidden = {}
    for name in names:
        table = tables[name]
        reasons = {s["row"]: s["reason"] for s in table["suppressed"] if s["column"] == "members"}
        rows = [
            {**r, "values": {**r["values"], "members": None if r["values"]["members"] else 0}}
            for r in table["rows"]
        ]
        keys = [r["key"] for r in table["rows"] if r["values"]["members"] or r["key"] in reasons]
        if "total" in reasons:
            keys.append("total")
        hidden[name] = {
            **table,
            "rows": rows,
            "total": {**table["total"], "members": None},
            "suppressed": [
                {"row": key, "column": "members", "reason": reasons.get(key, "secondary")}
                for key in keys
            ],
        }
    return bool(pinned_left_out({**figures, ACTIVE[0]: None}, hidden, threshold, told=told))


def told_small(figures_out: list, tables_out: list) -> bool:
    """Whether the report hides a figure of either consent base as a "difference"."""
    names = {*ACTIVE[1], *ACTIVE[2], *CONSENTING[1], *CONSENTING[2]}
    return any(
        f["suppressed"] == "difference" for f in figures_out if f["key"] == ACTIVE[0]
    ) or any(
        s["reason"] == "difference"
        for t in tables_out
        if t["name"] in names
        for s in t["suppressed"]
    )


def hours_left_out_known(figures: dict, tables: dict) -> bool:
    """Whether both the active members' hours and the consenting members' hours are shown, so
    that the hours of those left out are one less the other."""
    return sum_known(figures, tables, ACTIVE, "hours", "hours_given") and sum_known(
        figures, tables, CONSENTING, "hours"
    )


def reasons(figures_out: list, tables_out: list) -> set:
    """Every reason anything in a presented report is hidden for."""
    found = {f["suppressed"] for f in figures_out if f["suppressed"]}
    return found | {s["reason"] for t in tables_out for s in t["suppressed"]}
