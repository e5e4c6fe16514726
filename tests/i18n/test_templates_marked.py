"""No template holds words a person reads that are not marked for translation: with tags,
variables, comments, scripts, styles and translated blocks taken out, no letters are left, in the
text or in the attributes a person reads or hears (aria-label, title, alt, placeholder...)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", "tests", ".git"}
# Words that are the same in every language: each language's name in itself (the language
# switch), the app's initials on its mark.
ALLOWED = {"Cymraeg", "English", "tc"}

TRANSLATED_BLOCK = re.compile(
    r"{%\s*blocktrans(late)?\b.*?%}.*?{%\s*endblocktrans(late)?\s*%}", re.DOTALL
)
COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
# Blocks whose content is a key or markup for base.html, not text.
CODE_BLOCK = re.compile(r"{%\s*block\s+(tab|main_attrs)\s*%}.*?{%\s*endblock", re.DOTALL)
UNREAD = re.compile(r"<(script|style|svg)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
TEMPLATE_BITS = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
READ_ATTRIBUTE = re.compile(
    r"""\b(aria-label|aria-description|aria-roledescription|title|alt|placeholder)\s*=\s*("[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")


def templates() -> list[Path]:
    found = []
    for folder in ROOT.rglob("templates"):
        if SKIP.intersection(folder.relative_to(ROOT).parts):
            continue
        found += [p for p in folder.rglob("*") if p.suffix in {".html", ".txt"}]
    return sorted(found)


def unmarked(source: str) -> list[str]:
    for pattern in (TRANSLATED_BLOCK, COMMENT_BLOCK, CODE_BLOCK, HTML_COMMENT, UNREAD):
        source = pattern.sub(" ", source)
    # Template logic inside a tag (role="{% if %}alert{% else %}status{% endif %}") stays in it.
    source = TEMPLATE_BITS.sub(" ", source)
    words = []
    for tag in TAG.findall(source):
        for _, value in READ_ATTRIBUTE.findall(tag):
            words += WORD.findall(value[1:-1])
    words += WORD.findall(ENTITY.sub(" ", TAG.sub(" ", source)))
    return [w for w in words if w not in ALLOWED]


def test_there_are_templates_to_read():
    assert len(templates()) > 50


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_has_no_words_left_unmarked(path):
    assert unmarked(path.read_text()) == []
