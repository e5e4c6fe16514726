"""A small stand-in Welsh catalogue for tests that must see a known translation whatever the
translators have reached (the real catalogue is tested whole in test_catalogue.py)."""

import pytest
from django.test import override_settings

from tests.test_translation_ready import write_mo

STAND_IN = {
    "Your account": "Eich cyfrif",
    "Member %(code)s gave you %(credits)s": "Rhoddodd aelod %(code)s %(credits)s i chi",
    "Set a new Time credits password": "Gosod cyfrinair Credydau Amser newydd",
    "You are invited to join %(organisation)s": "Fe'ch gwahoddir i ymuno â %(organisation)s",
}


@pytest.fixture
def stand_in_welsh(tmp_path):
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", STAND_IN)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield
