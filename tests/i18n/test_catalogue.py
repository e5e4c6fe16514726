"""The Welsh catalogue is whole and current: every string the code marks is in it, translated,
with its placeholders intact, and the compiled .mo Django reads matches it.

When one fails, rebuild the catalogue with `make messages` (timecredits/locale/assemble.py):
it runs makemessages, fills what the translators' files give and compiles the .mo."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from ledger.kinds import TransferKind
from timecredits.members.models import Member

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "timecredits" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# The same as timecredits/locale/assemble.py's, and the locale folder itself, so that every
# string lands in the temporary folder, not beside the code.
IGNORE = [".venv/*", "tests/*", "node_modules/*", "var/*", "timecredits/locale"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def untranslated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return len(entry.msgstr_plural) != 4 or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def test_every_message_has_a_welsh_translation_that_is_not_fuzzy():
    missing = [e.msgid for e in entries(CATALOGUE) if untranslated(e)]

    assert missing == [], f"{len(missing)} messages untranslated or fuzzy, e.g. {missing[:10]}"


def test_every_translation_keeps_the_placeholders_of_its_message():
    wrong = []
    for entry in entries(CATALOGUE):
        if "python-format" not in entry.flags or untranslated(entry):
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        if entry.msgid_plural:
            # A plural form may leave the number out ("un credyd"), never add a name.
            forms = entry.msgstr_plural.values()
            if any(not set(PLACEHOLDER.findall(form)) <= wanted for form in forms):
                wrong.append(entry.msgid)
        elif set(PLACEHOLDER.findall(entry.msgstr)) != wanted:
            wrong.append(entry.msgid)

    assert wrong == []


def test_the_compiled_catalogue_is_the_committed_one_compiled():
    compiled = polib.pofile(str(CATALOGUE)).to_binary()

    assert CATALOGUE.with_suffix(".mo").read_bytes() == compiled, "run `make messages`"


@pytest.fixture
def gettext_tools():
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing: apt-get install gettext")
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed")


def test_makemessages_finds_nothing_the_catalogue_lacks(gettext_tools, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("makemessages", locale=["cy"], ignore_patterns=IGNORE, verbosity=0)
    extracted = {key(e) for e in entries(tmp_path / "cy" / "LC_MESSAGES" / "django.po")}
    committed = {key(e) for e in entries(CATALOGUE)}

    assert sorted(extracted - committed) == [], "new strings: run `make messages`"
    assert sorted(committed - extracted) == [], "strings gone from the code: run `make messages`"


def test_retired_people_and_retired_credits_are_different_words_in_welsh():
    # One msgid served both: the employment filter read "withdrawn from circulation".
    with translation.override("cy"):
        assert str(Member.Employment.RETIRED.label) == "Wedi ymddeol"
        assert str(TransferKind.RETIRE.label) != "Wedi ymddeol"
