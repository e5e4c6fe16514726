"""Rebuild the Welsh catalogue from the code and the translators' files, then compile it.

    .venv/bin/python timecredits/locale/assemble.py [TRANSLATIONS.po ...]   (or: make messages)

1. `makemessages -l cy` (the ignores below) brings timecredits/locale/cy/LC_MESSAGES/django.po up
   to date with every string the code marks: new msgids come in empty, gone ones leave.
2. Each msgid still without a translation, or only a fuzzy one, takes the first translation found
   for it (same msgid, plural and context) in the files given, in order. The catalogue's own
   translations are kept where no file gives one (a file given wins: translators work there).
3. The .mo is compiled beside it (Django reads only the .mo); both are committed, so a fresh
   machine needs no gettext tools to run the site.

It prints what is still untranslated or fuzzy: tests/i18n/test_catalogue.py fails on those.
Needs GNU gettext (xgettext, msgmerge) for step 1 and polib (a dev dependency).
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "timecredits" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv/*", "tests/*", "node_modules/*", "var/*"]
PLURAL_FORMS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"


def makemessages(python: str = sys.executable) -> None:
    env = {**os.environ, "DEBUG": "true"}
    args = [python, "manage.py", "makemessages", "-l", "cy", "--add-location", "file", "-v0"]
    for pattern in IGNORE:
        args += ["-i", pattern]
    subprocess.run(args, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own fixed command)


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def translations(paths: list[Path]) -> dict[tuple, polib.POEntry]:
    found: dict[tuple, polib.POEntry] = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            if translated(entry):
                found.setdefault(key(entry), entry)
    return found


def fill(catalogue: polib.POFile, found: dict[tuple, polib.POEntry]) -> None:
    for entry in catalogue:
        source = found.get(key(entry))
        if source is None or entry.obsolete:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(source.msgstr_plural)
        else:
            entry.msgstr = source.msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def set_header(catalogue: polib.POFile) -> None:
    catalogue.metadata.update(
        {
            "Project-Id-Version": "timecredits",
            "Language": "cy",
            "Language-Team": "Welsh",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS,
        }
    )
    # The catalogue is generated: no dates, so reassembling unchanged text changes no file.
    for field in ("POT-Creation-Date", "PO-Revision-Date"):
        catalogue.metadata.pop(field, None)
    catalogue.metadata_is_fuzzy = False


def main(argv: list[str]) -> int:
    sources = [Path(a) for a in argv]
    makemessages()
    catalogue = polib.pofile(str(CATALOGUE), wrapwidth=100)
    found = translations([*sources, CATALOGUE])
    fill(catalogue, found)
    catalogue[:] = [e for e in catalogue if not e.obsolete]
    set_header(catalogue)
    catalogue.save(str(CATALOGUE))
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    missing = [e.msgid for e in catalogue if not translated(e)]
    print(f"{len(catalogue)} messages, {len(missing)} still untranslated or fuzzy")
    for msgid in missing[:20]:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
