"""The rules of the house that import-linter cannot see: no view or router queries the database or
checks a permission itself, and nothing outside the ledger names its tables. (The import rules
themselves are the contracts in pyproject.toml, which `make lint` and .ci/run check.)"""

import re
from pathlib import Path

import pytest

from timecredits.permissions import Role

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "ledger", "partners", "timecredits")


def _sources():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _is_entry_point(path: Path) -> bool:
    """A module that answers a request: a page's view or an API router."""
    relative = path.relative_to(ROOT)
    return (
        path.name == "views.py"
        or path.name.endswith("_views.py")
        or "views" in relative.parts[:-1]
        or relative.parts[:2] == ("api", "routers")
        or relative.as_posix() == "api/pages.py"
    )


ENTRY_POINTS = sorted(p for p in _sources() if _is_entry_point(p))
LEDGER_MODELS = re.compile(
    r"^\s*(from\s+ledger\.models\s+import|from\s+ledger\s+import\s+models|import\s+ledger\.models)",
    re.M,
)
QUERY = re.compile(r"\.objects\b")
PERMISSION_CALL = re.compile(
    r"\b(require|has_permission|roles_in_scope)\(|timecredits\.permissions"
)


def test_the_entry_points_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in ENTRY_POINTS}
    assert "api/routers/sessions.py" in names
    assert "timecredits/activities/views.py" in names or any(
        n.startswith("timecredits/activities/views") for n in names
    )


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_view_or_router_makes_no_query_and_no_permission_check(path):
    text = path.read_text()
    assert not QUERY.findall(text), "queries belong in a use case, through selectors"
    assert not PERMISSION_CALL.findall(text), "the use case checks permission, once"


def test_nothing_outside_the_ledger_imports_its_models():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in _sources()
        if p.relative_to(ROOT).parts[0] != "ledger" and LEDGER_MODELS.search(p.read_text())
    ]
    assert offenders == []


def test_the_roles_checked_are_the_roles_stored():
    from partners.models import StaffMembership
    from timecredits.programmes.models import ProgrammeRole

    stored = {r.value for r in StaffMembership.Role} | {r.value for r in ProgrammeRole.Role}
    assert stored == {r.value for r in Role} - {Role.MEMBER, Role.PLATFORM_STAFF}
