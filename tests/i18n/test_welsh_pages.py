"""Every role's main pages in Welsh carry no sentence of their English: each page is fetched as a
demo user in English and in Welsh, and no run of three or more words from the English page's text
(less the demo data: names, titles, places, which are the same in both) is on the Welsh page.

The Django admin (platform staff, Django's own words) and the API's docs are left out. The pages
come from the walk tests/web/walk.py makes once for this test and the headers test."""

import re
from html.parser import HTMLParser

import pytest


class _Text(HTMLParser):
    """The text a person reads, one piece per text node, and the read attributes."""

    UNREAD = {"script", "style", "svg", "template"}
    READ = {"aria-label", "title", "alt", "placeholder"}

    def __init__(self):
        super().__init__()
        self.pieces, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.UNREAD:
            self._skip += 1
        self.pieces += [value for name, value in attrs if name in self.READ and value]

    def handle_endtag(self, tag):
        if tag in self.UNREAD and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.pieces.append(data)


def texts(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    found = set()
    for piece in parser.pieces:
        for part in re.split(r"\s[\u00b7|\u2013\u2014]\s|\n", piece):
            part = " ".join(part.split())
            if part:
                found.add(part)
    return found


def sentence(text: str, data: list[str]) -> bool:
    """Three words or more once the demo data's own text (and any address) is taken out."""
    text = re.sub(r"https?://\S+", " ", text)
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3


# Among the database tests, as the walk was when it was this test's own: pytest-django runs those
# first, before any transactional test empties the tables the migrations filled.
@pytest.mark.django_db
def test_no_english_sentence_is_left_on_any_role_s_welsh_pages(demo_walk):
    left = []
    for username, pages in demo_walk.pages.items():
        for path, page in pages.items():
            if page.welsh is None:  # not HTML, or the admin's or the API's
                continue
            assert '<html lang="cy">' in page.welsh, path
            same = texts(page.english) & texts(page.welsh)
            left += [f"{username} {path}: {t}" for t in sorted(same) if sentence(t, demo_walk.data)]

    assert left == [], "\n".join(left)
