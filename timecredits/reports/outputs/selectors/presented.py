"""The outputs as a reader gets them: for commissioners and programme admins only suppressed
figures, for an organisation's coordinators and admins their own organisation's activity as it
is and the rest suppressed (`organisation_report`). Reads only; who may ask is checked by the
use cases (`reports.use_cases.outputs`)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from timecredits.activities.selectors import ActivityType
from timecredits.errors import Invalid
from timecredits.programmes.selectors import organisation_programmes

from ... import disclosure
from ...periods import check_period
from .figures import DEMOGRAPHICS, programme_outputs
from .rollups import outputs_from_json, rollup_fresh

# In English; translated as the figures are presented, below.
FIGURE_LABELS = {
    "active_members": gettext_noop("Active members"),
    "new_members": gettext_noop("New members"),
    "new_to_volunteering": gettext_noop("New members new to volunteering"),
    "hours_given": gettext_noop("Hours given"),
    "sessions_held": gettext_noop("Sessions held"),
    "check_ins": gettext_noop("Check-ins"),
    "credits_earned_minutes": gettext_noop("Credits earned (minutes)"),
    "credits_spent_minutes": gettext_noop("Credits spent (minutes)"),
    "credits_donated_minutes": gettext_noop("Credits donated (minutes)"),
    "credits_expired_minutes": gettext_noop("Credits expired (minutes)"),
    "credits_unspent_minutes": gettext_noop("Credits unspent at the end of the period (minutes)"),
    "active_organisations": gettext_noop("Active organisations"),
}
# Tables that count the same people, with the headline figure (if any) that is how many they
# are: the rows of `parts` add up to them, while a member may be in several rows of `covers`
# (several activity types, venues or offer categories), so those rows add up to at least them.
# A total hidden in one is hidden in all (and the figure), and cells are hidden until no small
# one can be pinned by reading them together (`disclosure.protect_linked`).
ACTIVE = ("active_members", ("area", "regularity"), ("activity_type",))
CONSENTING = (None, ("age_band", "gender"), ())
PEOPLE = [
    ACTIVE,
    ("new_members", ("new_members",), ()),
    CONSENTING,
    (None, (), ("spend_by_venue", "spend_by_category")),
]
# Groups of PEOPLE whose people are some of another's: the active members who consent to
# reports, of all the active members (under a demographic filter every table counts only those
# who consent, and none is left out). Read together, the two say how many are left out, and
# their hours; `disclosure.protect_subset` hides more until a small number of them is not pinned.
SUBSETS = [(CONSENTING, ACTIVE)]
# Sums split by rows of tables (each hour or credit is in one row), with their headline figure.
SUMS = [
    ("hours_given", "hours", ("area", "regularity", "activity_type")),
    (None, "hours", ("age_band", "gender")),
    ("credits_spent_minutes", "credits_minutes", ("spend_by_venue", "spend_by_category")),
]
CELLS = {("new_members", "yes"): "new_to_volunteering"}
# What an organisation's staff see person by person on its sessions' pages already.
STAFF_KNOW = frozenset(
    {
        "active_members",
        "hours_given",
        "sessions_held",
        "check_ins",
        "credits_earned_minutes",
        "active_organisations",
    }
)
# Headline figures that count a superset of a nested table's total (the cohort is active).
CONTAINING = {"retention": "active_members"}


def _check_activity_type(activity_type: str) -> None:
    """An activity type the report can narrow by, or none: an unknown one answered zeros."""
    if activity_type and activity_type not in ActivityType.values:
        raise Invalid(
            _("Choose one of: %(types)s.") % {"types": ", ".join(ActivityType.values)},
            detail={"field": "activity_type"},
        )


def _check_demographics(demographics: dict | None) -> None:
    for field, answer in (demographics or {}).items():
        if field not in DEMOGRAPHICS:
            raise Invalid(_("There is no such demographic filter."), detail={"field": field})
        if answer and answer not in DEMOGRAPHICS[field].values:
            raise Invalid(
                _("Choose one of: %(answers)s.")
                % {"answers": ", ".join(DEMOGRAPHICS[field].values)},
                detail={"field": field},
            )


def _present(outputs: dict, *, threshold: int | None, exact=frozenset()) -> dict:
    """The report as a reader gets it: figures, tables, and what was hidden and why. `exact`
    figures are shown as they are (the reader has them person by person already), and every
    table is protected against them."""
    people = outputs.pop("people")
    if threshold is None:
        figures, hidden = outputs["figures"], {}
    else:
        asked = {name: count for name, count in people.items() if name not in exact}
        figures, hidden = disclosure.suppress_figures(outputs["figures"], asked, threshold)
        tables = {table.name: table for table in outputs["tables"]}
        # How many people each group of SUBSETS counts, before anything is hidden.
        counted = {
            group: _people_counted(group, people, tables) for pair in SUBSETS for group in pair
        }
        for table in tables.values():
            if not table.mirrors:
                outside = figures.get(CONTAINING.get(table.name))
                known = () if outside is None else (outside,)
                disclosure.suppress(table, threshold, known=known)
        people_groups, sum_groups = _linked_groups(counted)
        for figure, parts, covers in people_groups:
            linked = [tables[name] for name in (*parts, *covers)]
            _hide_shared_total(linked, None, figure, figures, hidden, exact)
            disclosure.protect_linked(
                [tables[name] for name in parts],
                [tables[name] for name in covers],
                threshold,
                total=figures.get(figure),
            )
        for inner, outer in SUBSETS:
            _protect_subset(tables, inner, outer, counted, figures, hidden, threshold, exact)
        for figure, column, names in sum_groups:
            linked = [tables[name] for name in names]
            _hide_shared_total(linked, column, figure, figures, hidden, exact)
            disclosure.protect_sums(linked, column, total=figures.get(figure))
        for table in tables.values():
            if table.mirrors:
                disclosure.suppress_like(table, tables[table.mirrors])
        for (name, row), figure in CELLS.items():
            reason = tables[name].suppressed.get((row, tables[name].count))
            if reason:
                figures[figure] = None
                hidden[figure] = reason
        # The credits earned are the hours given, near enough (one credit an hour): hidden with
        # them, or they give the hidden hours straight back.
        if figures["hours_given"] is None and figures["credits_earned_minutes"] is not None:
            figures["credits_earned_minutes"] = None
            hidden["credits_earned_minutes"] = hidden.get("hours_given") or disclosure.SECONDARY
    outputs["figures"] = [
        {
            "key": key,
            "label": _(FIGURE_LABELS[key]),
            "value": figures[key],
            "suppressed": hidden.get(key, ""),
        }
        for key in FIGURE_LABELS
    ]
    outputs["tables"] = [table.as_dict() for table in outputs["tables"]]
    outputs["suppressed"] = threshold is not None
    return outputs


def _people_counted(group, people: dict, tables: dict) -> int:
    figure, parts, _covers = group
    return people[figure] if figure else tables[parts[0]].total[tables[parts[0]].count]


def _linked_groups(counted: dict) -> tuple[list, list]:
    """PEOPLE and SUMS, with each pair of SUBSETS that count the same people made one group (no
    one is left out: under a demographic filter, or where every active member consents), so
    that a total hidden on one side is not shown on the other."""
    people, sums = list(PEOPLE), list(SUMS)
    for inner, outer in SUBSETS:
        if counted[inner] != counted[outer]:
            continue
        tables = {side: {*side[1], *side[2]} for side in (inner, outer)}
        people = [
            (outer[0], (*outer[1], *inner[1]), (*outer[2], *inner[2])) if group == outer else group
            for group in people
            if group != inner
        ]
        for figure, column, names in [s for s in sums if set(s[2]) <= tables[outer]]:
            inside = [s for s in sums if s[1] == column and set(s[2]) <= tables[inner]]
            sums = [s for s in sums if s not in inside]
            merged = (figure, column, (*names, *(n for s in inside for n in s[2])))
            sums = [merged if s[2] == names else s for s in sums]
    return people, sums


def _protect_subset(tables, inner, outer, counted, figures, hidden, threshold, exact) -> None:
    """`disclosure.protect_subset` for two groups of PEOPLE, the outer's headline included."""

    def linked(group):
        figure, parts, covers = group
        return disclosure.Linked(
            [tables[name] for name in parts],
            [tables[name] for name in covers],
            figures.get(figure),
        )

    groups = {group: linked(group) for group in (inner, outer)}
    disclosure.protect_subset(
        groups[inner],
        groups[outer],
        people=counted[inner],
        left_out=counted[outer] - counted[inner],
        threshold=threshold,
    )
    for (figure, *_tables), group in groups.items():
        if figure in exact:
            continue
        if figure is not None and group.total is None and figures[figure] is not None:
            figures[figure] = None
            hidden[figure] = disclosure.DIFFERENCE


def _hide_shared_total(tables: list, column, figure, figures: dict, hidden: dict, exact) -> None:
    """A total hidden in one of `tables` (in `column`, or the people's) or as the headline
    `figure` is hidden in all of them and as the headline (unless it is shown `exact`)."""
    shown = [t.total[column or t.count] is not None for t in tables]
    if all(shown) and (figure is None or figures[figure] is not None):
        return
    for table in tables:
        disclosure.hide_total(table, None if column is None else [column])
    if figure is not None and figure not in exact and figures[figure] is not None:
        figures[figure] = None
        hidden[figure] = disclosure.SECONDARY


def programme_report(*, programme, period_start, period_end, **filters) -> dict:
    """A programme's outputs for its commissioners and admins, always with disclosure control;
    `filters` are `build_programme_report`'s (an organisation, activity type, area or
    demographic answers).

    The whole programme's figures for a period the worker keeps come from `rollups` while fresh;
    anything else is computed now. `as_of` says when the figures were computed and `from_worker`
    whether they are the worker's."""
    demographics = filters.get("demographics") or {}
    narrowed = any(filters.get(name) for name in ("organisation", "activity_type", "area"))
    if not narrowed and not any(demographics.values()):
        check_period(period_start, period_end)
        _check_demographics(demographics)
        rollup = rollup_fresh(programme=programme, period_start=period_start, period_end=period_end)
        if rollup is not None:
            report = _present(
                outputs_from_json(rollup.outputs), threshold=programme.report_threshold
            )
            return {**report, "as_of": rollup.computed_at, "from_worker": True}
    as_of = timezone.now()
    report = build_programme_report(
        programme=programme, period_start=period_start, period_end=period_end, **filters
    )
    return {**report, "as_of": as_of, "from_worker": False}


def build_programme_report(
    *,
    programme,
    period_start,
    period_end,
    organisation=None,
    activity_type="",
    area="",
    demographics=None,
) -> dict:
    """The programme's report computed now, as its commissioners get it (a snapshot's too)."""
    check_period(period_start, period_end)
    _check_activity_type(activity_type)
    _check_demographics(demographics)
    outputs = programme_outputs(
        programme, period_start, period_end, organisation, activity_type, area, demographics
    )
    return _present(outputs, threshold=programme.report_threshold)


def organisation_programme(*, organisation, programme):
    """The programme an organisation's own report is about: the one asked for, or its only one."""
    programmes = organisation_programmes(organisation=organisation)
    if programme is None:
        programme = programmes.first() if programmes.count() == 1 else None
    elif not programmes.filter(pk=programme.pk).exists():
        programme = None
    if programme is None:
        raise Invalid(
            _("Say which programme: one this organisation takes part in."),
            detail={"field": "programme"},
        )
    return programme


def organisation_report(
    *,
    organisation,
    programme,
    period_start,
    period_end,
    activity_type="",
    area="",
    demographics=None,
) -> dict:
    """One organisation's own outputs in a programme (`organisation_programme`), for its own
    staff: what they see person by person already (who gave how much time at their sessions) as
    it is, and what they do not (members' answers, areas, balances, spending) suppressed like
    the programme's report. Narrowed by an area or an answer, everything is suppressed: the
    group's figures would tell them the answers of the people they know came."""
    check_period(period_start, period_end)
    _check_activity_type(activity_type)
    _check_demographics(demographics)
    programme = organisation_programme(organisation=organisation, programme=programme)
    outputs = programme_outputs(
        programme, period_start, period_end, organisation, activity_type, area, demographics
    )
    by_who = area or any((demographics or {}).values())
    exact = frozenset() if by_who else STAFF_KNOW
    return _present(outputs, threshold=programme.report_threshold, exact=exact)
