"""The pages' venue has a name, which the pages say when a code belongs elsewhere."""

import pytest

from partners.models import Organisation
from tests.factories import approved_organisation


@pytest.fixture
def venue(programme):
    return approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Leisure Centre")
