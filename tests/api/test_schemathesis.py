"""Acceptance: schemathesis over the whole OpenAPI document, as a member and as a coordinator.

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
    SessionFactory,
    StaffMembershipFactory,
    approved_organisation,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MAX_EXAMPLES = 6
LAST = {"DELETE /api/v1/auth/token", "POST /api/v1/me/close"}
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
def bearers(db, bearer_for):
    """A member with credits and a coordinator (also an org admin) of a group in their programme,
    with an activity, a session and a venue's offer, so ids 1, 2, 3 often name something real."""
    activity = ActivityFactory()
    SessionFactory(activity=activity)
    programme, group = activity.programme, activity.organisation
    coordinator = StaffMembershipFactory(organisation=group).user
    StaffMembershipFactory(
        organisation=group, user=coordinator, role=StaffMembership.Role.ORG_ADMIN
    )
    approved_organisation(programme, kind=Organisation.Kind.VENUE)
    member = MemberFactory(programme=programme)
    earn(member, 600)
    return [bearer_for(member.user), bearer_for(coordinator)]


def _failures(operation, bearers, answers) -> list[str]:
    """Run one operation's generated requests, valid and not; the failures, as schemathesis
    words them. Counts the answers by status in `answers`."""
    failures = []
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

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
            try:
                # The generated Authorization header would win over ours as an argument.
                case.headers = {**(case.headers or {}), **headers}
                response = case.call_and_validate(checks=CHECKS)
                answers[response.status_code] += 1
            except Exception as failure:  # schemathesis raises a group of its check failures
                failures.append(f"{operation.label}: {failure}")

    run()
    return failures


def test_the_api_answers_every_generated_request_as_documented(api_schema, bearers):
    # Those that end the tokens' use (revoking the token, closing the member) go last.
    operations = sorted(
        (result.ok() for result in api_schema.get_all_operations()),
        key=lambda operation: operation.label in LAST,
    )

    answers = Counter()

    failures = [f for operation in operations for f in _failures(operation, bearers, answers)]

    assert len(operations) > 70
    assert failures == []
    # Enough got through validation and permissions to exercise the views themselves.
    assert answers[200] + answers[201] > 100, answers
