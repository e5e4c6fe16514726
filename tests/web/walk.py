"""One walk through the demo's pages with Django's client, shared by the tests that read them:
tests/web/test_security_headers.py (every page's headers) and tests/i18n/test_welsh_pages.py (no
English sentence left on a Welsh page). Seeding the demo and crawling every role's pages cost the
most in both, and each did it for itself; the `demo_walk` fixture (tests/conftest.py) now walks
once per run and each test makes its own assertions over what was recorded.

Each demo role signs in and follows the links from its start pages (tests/web/pages.py), breadth
first, at most PAGES_PER_ROLE pages. Every page's status and headers are kept; each of our own
HTML pages (not the admin's, not the API's) is fetched again in Welsh straight after its English
fetch, and both texts are kept. The walk runs in a transaction of its own that is rolled back
before any test sees the results, so it leaves nothing in the database for the tests after it."""

import re
from collections import deque
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.utils import translation
from django.utils.datastructures import CaseInsensitiveMapping

from tests.web.pages import PAGES_PER_ROLE, links, start_pages
from timecredits.ops.demo import seed_demo

ENGLISH = {"accept-language": "en-GB"}
WELSH = {"accept-language": "cy"}
# The Django admin (platform staff, Django's own words) and the API's docs are not read in Welsh.
NOT_OURS = re.compile(r"^/(admin|api)/")


@dataclass
class Page:
    status: int
    headers: CaseInsensitiveMapping
    # Our own HTML pages only: the page fetched in English, and again in Welsh.
    english: str | None = None
    welsh: str | None = None


@dataclass
class Walk:
    pages: dict[str, dict[str, Page]] = field(default_factory=dict)  # username -> path -> Page
    data: list[str] = field(default_factory=list)  # the demo data's own texts, longest first


def _is_html(response) -> bool:
    return "text/html" in response.headers.get("Content-Type", "")


def crawl(client, starts, read=None):
    """Every page reachable by links from `starts`, up to PAGES_PER_ROLE, as {path: response};
    `read(path, response)` is called on each page as soon as it is fetched."""
    seen, queue, pages = set(starts), deque(starts), {}
    while queue and len(pages) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path, headers=ENGLISH)
        pages[path] = response
        if read:
            read(path, response)
        if _is_html(response):
            fresh = [link for link in links(response.content.decode()) if link not in seen]
            seen.update(fresh)
            queue.extend(fresh)
    return pages


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


def walk_the_demo() -> Walk:
    # As each test starts (tests/conftest.py): no rate-limit counters, the site's language.
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    walk = Walk()
    with transaction.atomic():
        seed_demo()
        walk.data = data_strings()
        users = get_user_model().objects
        for username, starts in start_pages().items():
            client = Client()
            client.force_login(users.get(username=username))
            pages = walk.pages[username] = {}

            def read(path, response, client=client, pages=pages):
                headers = CaseInsensitiveMapping(response.headers)
                page = pages[path] = Page(response.status_code, headers)
                if _is_html(response) and not NOT_OURS.match(path):
                    page.english = response.content.decode()
                    page.welsh = client.get(path, headers=WELSH).content.decode()

            crawl(client, starts, read)
        transaction.set_rollback(True)
    # Nothing cached from rows that are gone now; the language the last request left is not kept.
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    return walk
