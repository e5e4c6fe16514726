import pytest

from ledger.services import account_open
from tests.factories import AccountFactory


@pytest.fixture
def issuance(db):
    return account_open(kind="system", name="test issuance")


@pytest.fixture
def alice(db):
    return AccountFactory()


@pytest.fixture
def bob(db):
    return AccountFactory()
