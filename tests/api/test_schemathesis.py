"""Acceptance: schemathesis over the whole OpenAPI document, as a member, a coordinator and a
programme admin.

Every operation gets a bounded, derandomized set of generated requests (valid and invalid) against
the WSGI app on PostgreSQL; no answer may be a 5xx, use a status the document does not list for
the operation, or break the documented schema.
"""

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partners.models import Organisation, StaffMembership
from tests.credits.conftest import earn
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeRoleFactory,
    SessionFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from tests.spending.conftest import make_offer
from timecredits.programmes.models import ProgrammeRole

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MAX_EXAMPLES = 8
STATEFUL_EXAMPLES = 40
LAST = {
    "DELETE /api/v1/auth/token",
    "DELETE /api/v1/auth/tokens/{token_id}",
    "POST /api/v1/auth/sign-out-everywhere",
    "POST /api/v1/members/me/close",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(bearers):
    # As django.test.Client does (and after the tokens, since the Client reconnects these): a
    # request must not close the connection holding the test's transaction when it finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A programme with a member holding credits, a group with an activity and a session, and
    a venue with an offer; a coordinator (also org admin) of the group and a programme admin.
    `ids` names real rows for the path parameters, so generated requests reach the views."""
    activity = ActivityFactory()
    session = SessionFactory(activity=activity)
    programme, group = activity.programme, activity.organisation
    coordinator = StaffMembershipFactory(organisation=group).user
    StaffMembershipFactory(
        organisation=group, user=coordinator, role=StaffMembership.Role.ORG_ADMIN
    )
    admin = ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    offer = make_offer(approved_organisation(programme, kind=Organisation.Kind.VENUE))
    member = MemberFactory(programme=programme)
    earn(member, 600)
    ids = {
        "programme_id": programme.pk,
        "organisation_id": group.pk,
        "activity_id": activity.pk,
        "session_id": session.pk,
        "offer_id": offer.pk,
        "member_id": member.pk,
    }
    return {"users": [member.user, coordinator, admin], "ids": ids}


@pytest.fixture
def bearers(world, bearer_for):
    return [bearer_for(user) for user in world["users"]]


def _call(case, headers, operation, answers: Counter, failures: list[str]) -> None:
    """Send one generated request with our headers; count its status, or note its failures."""
    try:
        # The generated Authorization header would win over ours as an argument.
        case.headers = {**(case.headers or {}), **headers}
        response = case.call_and_validate(checks=CHECKS)
        answers[response.status_code] += 1
    except Exception as failure:  # schemathesis raises a group of its check failures
        failures.append(f"{operation.label}: {failure}")


def _failures(operation, bearers, ids, answers) -> list[str]:
    """Run one operation's generated requests, valid and not, with generated path parameters
    and with real ones; the failures, as schemathesis words them. Counts answers by status."""
    failures = []
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = {p.name for p in operation.path_parameters}
    if names and names <= set(ids):
        real = {name: ids[name] for name in names}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    cases = st.one_of(strategies)

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for headers in bearers:
            _call(case, headers, operation, answers, failures)

    run()
    return failures


def test_the_api_answers_every_generated_request_as_documented(api_schema, bearers, world):
    # Those that end the tokens' use (revoking the token, closing the member) go last.
    operations = sorted(
        (result.ok() for result in api_schema.get_all_operations()),
        key=lambda operation: operation.label in LAST,
    )
    assert {operation.label for operation in operations} >= LAST

    answers = Counter()

    failures = [
        f for operation in operations for f in _failures(operation, bearers, world["ids"], answers)
    ]

    assert len(operations) > 70
    assert failures == []
    # Enough got through validation and permissions to exercise the views themselves.
    assert answers[200] + answers[201] > 150, answers


def _boundary_failures(api_schema, operation, headers, answers) -> list[str]:
    """Schemathesis's coverage phase for one operation: boundary and edge values of every
    parameter and field (the largest integers, empty and missing values, wrong types)."""
    failures = []

    def run(case):
        _call(case, headers, operation, answers, failures)

    test = create_test(
        operation=operation,
        test_func=run,
        config=HypothesisTestConfig(
            project=api_schema.config,
            modes=[HypothesisTestMode.COVERAGE],
            settings=settings(
                max_examples=1,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit],
                suppress_health_check=list(HealthCheck),
            ),
        ),
    )
    test()
    return failures


def test_boundary_values_are_answered_as_documented(api_schema, bearers):
    answers = Counter()

    failures = [
        f
        for result in api_schema.get_all_operations()
        if result.ok().label not in LAST
        for f in _boundary_failures(api_schema, result.ok(), bearers[1], answers)
    ]

    assert failures == []
    assert answers[422] > 500, answers


def test_workflows_through_inferred_links_are_answered_as_documented(api_schema, bearers):
    # Schemathesis links operations whose answers feed others' parameters (an id it created
    # becomes the next request's path), and walks chains of them as the coordinator.
    machine = (
        api_schema.exclude(path="/api/v1/auth/token", method="DELETE")
        .exclude(path="/api/v1/auth/tokens/{token_id}", method="DELETE")
        .exclude(path="/api/v1/auth/sign-out-everywhere", method="POST")
        .as_state_machine()
    )
    headers = bearers[1]
    answers = Counter()

    class Workflows(machine):
        def before_call(self, case):
            case.headers = {**(case.headers or {}), **headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            answers[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

    Workflows.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )

    assert sum(answers.values()) > STATEFUL_EXAMPLES, answers
