"""Small-number suppression for every figure a commissioner sees: pure functions, no ORM.

Policy (issue 7, DESIGN.md "Disclosure control"):

- **Primary suppression.** A count of people from 1 to threshold - 1 is hidden. **Zero is shown
  as 0**: a true zero points at nobody, and hiding zeros would blank most small-area tables for
  no protection. So a hidden cell is known to hold 1..threshold - 1 people ("small") or is a
  cell hidden to protect one ("secondary", which is never 0 and never small, so at least the
  threshold).
- **Secondary suppression.** In a table whose total is shown, the total minus the shown cells is
  the sum of the hidden ones. While that sum, with what the reasons tell a reader about each
  hidden cell, pins any small cell to one value (one hidden cell alone, two 1s, or a 1 beside a
  secondary cell exactly at the threshold), the next smallest shown non-zero cell is hidden too.
  If the total itself is small it is hidden, and so is every non-zero cell under it; if no shown
  cell is left to hide and a small cell is still pinned, the total is hidden instead (and any
  headline figure equal to it).
- **Sums follow their people.** Hours or credits in a row whose people count is hidden are
  hidden with it, for the same reason.
- **Nested rows** (retention: each row a subset of the one before, all within the total) are not
  a partition, so the rule differs: any two shown counts, with 0, differ by a count of people
  (the cohort less those retained is "lost"). A row is shown only if its difference from 0, from
  the total and from every row already shown is 0 or at least the threshold; otherwise it is
  hidden as small or, if it is not small itself, as a small "difference". Counts shown outside
  the table that contain its total (the active members, who include the cohort) take part too:
  a total that differs from one by a small count is hidden.
- **Linked tables.** Tables that count the same people (by area, regularity and activity type
  the active members; by age band and gender those who consent), with the headline figure that
  counts them, are read together: a total hidden in one is hidden in all and as the headline,
  and more cells are hidden until what they show together pins no small cell
  (`protect_linked`). A member can be in several activity types (venues, offer categories),
  so those rows add up to at least the people, and none is more than them.
- **Consent bases.** The two groups of linked tables about the active members are nested: those
  by age band and gender (and reach by age band) count only the ones who consent to reports,
  the rest and the headline count them all. Read together they say how many are left out (the
  members who do not consent) and, with both sides' hours, their hours. When that number is 0
  or at least the threshold nothing more is hidden. When it is small, the consenting totals are
  hidden, and a row of each consenting table that hides none (so its shown rows cannot add back
  up to the total, nor its hours, which follow their people, be subtracted); then, while the
  ranges the two sides allow (their totals, shown cells and what the reasons say of hidden
  ones) still pin the number left out, more consenting rows, and once those cannot help, the
  all-member totals, the headline active members and all-member rows (`protect_subset`). It
  reads both ways: with the all-member total hidden, a consenting side that still pins the
  difference is hidden all the same. Everything hidden for this says "difference", so a
  reader learns that the number left out is small, as a "small" cell says of itself, but not
  which number.
- **Mirrored tables** (reach) repeat another table's counts beside other columns, so they hide
  exactly what that table hides, and show no total.
- A threshold of 2 hides only 1s, which the rule itself then reveals; programmes should use 3
  or more (the default is 5).

Known limits: a reader who asks for two overlapping filters (two periods, an area and no area,
or the answers of a demographic filter added up against no filter) can difference the answers;
each answer on its own is protected. When every non-zero cell of linked tables is already
hidden, the reasons alone (a small cell holds 1 to threshold - 1, any other hidden one at least
the threshold) can still narrow a cell down in rare tables, most often under a threshold of 3;
so too the number the consenting tables leave out (under a threshold of 3, four active members
in two areas of two, three of whom consent: at most 4 and at least 3 say that one does not).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

SMALL = "small"
SECONDARY = "secondary"
DIFFERENCE = "difference"
NOT_YET_KNOWN = "not_yet_known"

# In English; each is translated where it is shown (gettext(REASONS[reason])).
REASONS = {
    SMALL: gettext_noop("fewer people than the programme's threshold"),
    SECONDARY: gettext_noop("hidden so that the total cannot reveal another hidden cell"),
    DIFFERENCE: gettext_noop(
        "hidden because it, or a total it adds up to, would differ from another figure shown "
        "by a small count"
    ),
    NOT_YET_KNOWN: gettext_noop("not yet known: the time it measures has not passed for everyone"),
}


@dataclass
class Table:
    """A one-way table: rows, each with a people count and any sums, and their total.

    `values` and `total` map a column to its value; `count` names the people column that
    decides suppression. After `suppress`, hidden values are None and `suppressed` maps
    (row key or "total", column) to its reason; a selector may already have marked values it
    cannot know (None, NOT_YET_KNOWN). `nested` and `mirrors` (another table's name) change the
    rule, as the module says; an empty `total` means the table has none.
    """

    name: str
    title: str
    count: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    total: dict
    note: str = ""
    suppressed: dict = field(default_factory=dict)
    total_label: str = "Total"
    nested: bool = False
    mirrors: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "note": self.note,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": [
                {"key": r["key"], "label": r["label"], "values": dict(r["values"])}
                for r in self.rows
            ],
            "total": dict(self.total),
            "total_label": self.total_label,
            "suppressed": [
                {"row": row, "column": column, "reason": reason, "why": gettext(REASONS[reason])}
                for (row, column), reason in sorted(self.suppressed.items())
            ],
        }


def is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def bounds(reason: str, threshold: int) -> tuple[int, float]:
    """What a reader knows about a hidden cell from its reason alone."""
    return (1, threshold - 1) if reason == SMALL else (threshold, float("inf"))


def feasible(hidden: dict, remainder, threshold: int) -> dict:
    """Each hidden cell's range, given the hidden cells sum to `remainder` (or lie in a
    (lowest, highest) range of sums)."""
    least, most = remainder if isinstance(remainder, tuple) else (remainder, remainder)
    ranges = {}
    for key, reason in hidden.items():
        lo, hi = bounds(reason, threshold)
        others = [bounds(r, threshold) for k, r in hidden.items() if k != key]
        ranges[key] = (
            max(lo, least - sum(o[1] for o in others)),
            min(hi, most - sum(o[0] for o in others)),
        )
    return ranges


def _pinned(hidden: dict, remainder, threshold: int) -> bool:
    return any(
        lo >= hi
        for key, (lo, hi) in feasible(hidden, remainder, threshold).items()
        if hidden[key] == SMALL and threshold > 2
    )


def cells_to_suppress(counts: dict, total: int, threshold: int) -> tuple[dict, bool]:
    """Which cells of one row/total group to hide, and why; and whether the total is hidden.

    `counts` maps a cell's key to its count of people, and `total` is their sum.
    """
    if is_small(total, threshold):
        return {k: SMALL for k, v in counts.items() if v > 0}, True
    hidden = {k: SMALL for k, v in counts.items() if is_small(v, threshold)}
    if not hidden:
        return hidden, False
    candidates = sorted(
        ((v, str(k), k) for k, v in counts.items() if v > 0 and k not in hidden),
    )
    while candidates:
        remainder = sum(counts[k] for k in hidden)
        if len(hidden) > 1 and not _pinned(hidden, remainder, threshold):
            break
        _, _, key = candidates.pop(0)
        hidden[key] = SECONDARY
    remainder = sum(counts[k] for k in hidden)
    if len(hidden) == 1 or _pinned(hidden, remainder, threshold):
        return hidden, True  # nothing left to hide beside them: the total goes instead
    return hidden, False


def nested_to_suppress(
    counts: dict, total: int, threshold: int, *, known: tuple = ()
) -> tuple[dict, bool]:
    """Which of nested counts to hide, in order, so no two shown ones, nor one and a count
    `known` from elsewhere, differ by a small count; and whether the total is hidden."""
    shown = [0, *known]
    total_hidden = any(is_small(abs(total - other), threshold) for other in shown)
    if not total_hidden:
        shown.append(total)
    hidden = {}
    for key, n in counts.items():
        if any(is_small(abs(n - other), threshold) for other in shown):
            hidden[key] = SMALL if is_small(n, threshold) else DIFFERENCE
        else:
            shown.append(n)
    return hidden, total_hidden


def suppress_like(table: Table, source: Table) -> Table:
    """Hide in `table` every row `source` hides, for the same reason."""
    for row in table.rows:
        reason = source.suppressed.get((str(row["key"]), source.count))
        if reason:
            for column, _ in table.columns:
                row["values"][column] = None
                table.suppressed[(str(row["key"]), column)] = reason
    return table


def hide_total(table: Table, columns=None, *, reason: str = SECONDARY) -> None:
    """Hide the table's total (in `columns`, by default all) where it is still shown."""
    for column in columns or [c for c, _ in table.columns]:
        if table.total.get(column) is not None:
            table.total[column] = None
            table.suppressed[("total", column)] = reason


def _hidden(table: Table) -> dict:
    return {
        key: reason
        for (key, column), reason in table.suppressed.items()
        if column == table.count and key != "total" and reason in (SMALL, SECONDARY, DIFFERENCE)
    }


def _shown_cells(table: Table) -> list:
    values = (r["values"][table.count] for r in table.rows)
    return [n for n in values if n is not None]


def _people_range(table: Table, threshold: int, *, cover: bool) -> tuple:
    """What the table alone tells a reader of how many people it counts: a partition's rows add
    up to them; a cover's rows add up to at least them and none is more."""
    shown = _shown_cells(table)
    hidden = [bounds(reason, threshold) for reason in _hidden(table).values()]
    least = sum(shown) + sum(lo for lo, _ in hidden)
    most = sum(shown) + sum(hi for _, hi in hidden)
    if table.total[table.count] is not None:
        least = most = table.total[table.count]
    elif table.suppressed.get(("total", table.count)) == SMALL:
        least, most = max(least, 1), min(most, threshold - 1)
    if cover:
        return max([*shown, *(lo for lo, _ in hidden)], default=0), most
    return least, most


def protect_linked(parts: list, covers: list, threshold: int, *, total=None) -> None:
    """Hide more cells of tables that count the same people until no small cell in any of them
    can be pinned by reading them all together.

    The rows of each of `parts` add up to the people, `total` if it is shown elsewhere; a
    member may be in several rows of one of `covers`. Call it after each table's own
    suppression, with every total hidden if any one is (each hides what its own shown total
    would reveal; together they tell a reader a range for the people). A pinned table hides its
    smallest shown non-zero cell; one with none left makes a table that binds the range hide
    one of its own. Known limit: when every non-zero cell is hidden, the reasons alone can
    still pin a cell in rare tables; then nothing more is hidden.
    """
    tables = [(t, False) for t in parts] + [(t, True) for t in covers]
    while True:
        ranges = {t.name: _people_range(t, threshold, cover=c) for t, c in tables}
        least = max([r[0] for r in ranges.values()] + ([] if total is None else [total]))
        most = min([r[1] for r in ranges.values()] + ([] if total is None else [total]))
        pinned = None
        for table, cover in tables:
            shown = sum(_shown_cells(table))
            added = table.total[table.count]
            top = (added if added is not None else float("inf")) if cover else most
            if _pinned(_hidden(table), (least - shown, top - shown), threshold):
                pinned = table
                break
        if pinned is None:
            return
        binding = [pinned] + [
            t
            for t, _ in tables
            if t is not pinned and (ranges[t.name][0] == least or ranges[t.name][1] == most)
        ]
        if not any(hide_smallest(table) for table in binding):
            return


@dataclass
class Linked:
    """Tables that count the same people, and how many they are if a headline figure shows it
    (`total`, None if hidden or there is none): the rows of each of `parts` add up to them, and a
    member may be in several rows of one of `covers`."""

    parts: list
    covers: list = field(default_factory=list)
    total: int | None = None

    @property
    def tagged(self) -> list:
        return [(t, False) for t in self.parts] + [(t, True) for t in self.covers]

    def people_range(self, threshold: int) -> tuple:
        """The lowest and highest number of people a reader of them all can make them."""
        ranges = [_people_range(t, threshold, cover=c) for t, c in self.tagged]
        if self.total is not None:
            ranges.append((self.total, self.total))
        return max((r[0] for r in ranges), default=0), min(
            (r[1] for r in ranges), default=float("inf")
        )


def protect_subset(inner: Linked, outer: Linked, *, people: int, left_out: int, threshold: int):
    """Hide more of two groups of linked tables, `inner` counting `people` of `outer`'s and
    leaving `left_out` of them out (those who consent to reports, of the active members), so
    that no reader of both can pin a small `left_out`, nor subtract the hours or credits that go
    with them.

    Nothing changes unless `left_out` is small and some are counted (with none counted, those
    left out are the outer people themselves, whose own suppression protects them). Then the
    inner totals are hidden, and a row of every inner table that hides none (sums follow their
    people: with a row hidden, nor are the inner hours known); then, while the two groups read
    together still pin `left_out`, more inner rows, and if the inner tables have none left that
    would help, the outer totals (`outer.total` too, which the caller hides as its headline) and
    outer rows. Everything is hidden as a DIFFERENCE, which tells a reader that `left_out` is
    small, so that is taken as known (and under a threshold of 2 it says which: 1). Known limit:
    when the rows left to hide cannot widen what the reasons of hidden ones say, the count stays
    pinned (only in tiny reports; see the module's known limits).
    """
    if people == 0 or not is_small(left_out, threshold):
        return
    for table in [*inner.parts, *inner.covers]:
        hide_total(table, reason=DIFFERENCE)
        if not _hidden(table):
            hide_smallest(table, reason=DIFFERENCE)
    inner.total = None
    opened = False
    while threshold > 2:
        c_lo, c_hi = inner.people_range(threshold)
        a_lo, a_hi = outer.people_range(threshold)
        if max(1, a_lo - c_hi) < min(threshold - 1, a_hi - c_lo):
            return
        # Pinned from below (the inner side can count too few, or the outer too many) or from
        # above (the inner side too many, or the outer too few).
        lower, upper = a_lo - c_hi > 1, a_hi - c_lo < threshold - 1
        if _widen(inner, threshold, least=c_lo if upper else None, most=c_hi if lower else None):
            continue
        if not opened:
            opened = True
            for table in [*outer.parts, *outer.covers]:
                hide_total(table, reason=DIFFERENCE)
            outer.total = None
            continue
        if not _widen(
            outer, threshold, least=a_lo if lower else None, most=a_hi if upper else None
        ):
            return


def _widen(group: Linked, threshold: int, *, least=None, most=None) -> bool:
    """Hide the smallest shown row of a table of `group` whose own range sets the group's lowest
    (`least`) or highest (`most`) number of people; False if none has one."""
    for table, cover in group.tagged:
        lo, hi = _people_range(table, threshold, cover=cover)
        if (lo == least or hi == most) and hide_smallest(table, reason=DIFFERENCE):
            return True
    return False


def protect_sums(tables: list, column: str, *, total=None) -> None:
    """Hide rows until no table's one hidden `column` cell (hours, credits) is a sum known
    elsewhere (`total`, a total shown, or a table showing every row) less its shown cells."""
    while True:
        hidden = {t.name: sum(r["values"][column] is None for r in t.rows) for t in tables}
        known = total is not None or any(
            t.total.get(column) is not None or not hidden[t.name] for t in tables
        )
        lone = [t for t in tables if hidden[t.name] == 1]
        if not known or not lone:
            return
        if not any(hide_smallest(t) for t in lone) and not any(
            hide_smallest(t) for t in tables if not hidden[t.name]
        ):
            return


def hide_smallest(table: Table, *, reason: str = SECONDARY) -> bool:
    """Hide the table's smallest shown non-zero row to protect another; False if it has none."""
    candidates = sorted(
        (r["values"][table.count], str(r["key"]), r) for r in table.rows if r["values"][table.count]
    )
    if not candidates:
        return False
    row = candidates[0][2]
    for column, _ in table.columns:
        row["values"][column] = None
        table.suppressed[(str(row["key"]), column)] = reason
    return True


def suppress(table: Table, threshold: int, *, known: tuple = ()) -> Table:
    """Hide the table's small counts, their protectors, and the sums that go with them; a
    nested table also keeps clear of the counts `known` from elsewhere."""
    counts = {r["key"]: r["values"][table.count] for r in table.rows}
    if table.nested:
        counts = {k: n for k, n in counts.items() if n is not None}
        hidden, total_hidden = nested_to_suppress(
            counts, table.total[table.count], threshold, known=known
        )
    else:
        hidden, total_hidden = cells_to_suppress(counts, table.total[table.count], threshold)
    for row in table.rows:
        reason = hidden.get(row["key"])
        if reason:
            for column, _ in table.columns:
                row["values"][column] = None
                table.suppressed[(str(row["key"]), column)] = reason
    if total_hidden:
        reason = SMALL if is_small(table.total[table.count], threshold) else SECONDARY
        reason = DIFFERENCE if table.nested and reason == SECONDARY else reason
        for column, _ in table.columns:
            table.total[column] = None
            table.suppressed[("total", column)] = reason
    return table


def suppress_figures(figures: dict, people: dict, threshold: int) -> tuple[dict, dict]:
    """Headline figures: each is hidden when the number of people behind it is small.

    `people` maps a figure to the count of people it describes (itself, for a count of people);
    a figure not in `people` describes no one and is shown.
    """
    shown, suppressed = dict(figures), {}
    for name, count in people.items():
        if is_small(count, threshold):
            shown[name] = None
            suppressed[name] = SMALL
    return shown, suppressed
