"""Every role's main pages in Welsh carry no sentence of their English: each page is fetched as a
demo user in English and in Welsh, and no run of three or more words from the English page's text
(less the demo data: names, titles, places, which are the same in both) is on the Welsh page.

The Django admin (platform staff, Django's own words) and the API's docs are left out."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from tests.web.pages import start_pages
from tests.web.test_security_headers import crawl
from timecredits.ops.demo import seed_demo

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en-GB"}
WELSH = {"accept-language": "cy"}
NOT_OURS = re.compile(r"^/(admin|api)/")


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


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list | tuple):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def data_strings() -> list[str]:
    """Every text the demo data holds (names, titles, places, questions), longest first."""
    kinds = (models.CharField, models.TextField, models.JSONField)
    found = set()
    for model in apps.get_models():
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, kinds) and not f.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            found.update(v for v in _strings(list(row)) if len(v) >= 3)
    return sorted(found, key=len, reverse=True)


def sentence(text: str, data: list[str]) -> bool:
    """Three words or more once the demo data's own text (and any address) is taken out."""
    text = re.sub(r"https?://\S+", " ", text)
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3


def test_no_english_sentence_is_left_on_any_role_s_welsh_pages():
    seed_demo()
    data = data_strings()
    users = get_user_model().objects
    left = []
    for username, starts in start_pages().items():
        client = Client()
        client.force_login(users.get(username=username))
        english = {
            path: response
            for path, response in crawl(
                client, [p for p in starts if not NOT_OURS.match(p)]
            ).items()
            if not NOT_OURS.match(path) and "text/html" in response.headers.get("Content-Type", "")
        }
        for path in english:
            english_page = client.get(path, headers=ENGLISH).content.decode()
            welsh_page = client.get(path, headers=WELSH).content.decode()
            assert '<html lang="cy">' in welsh_page, path
            same = texts(english_page) & texts(welsh_page)
            left += [f"{username} {path}: {t}" for t in sorted(same) if sentence(t, data)]

    assert left == [], "\n".join(left)
