"""The headers every response carries: the Content-Security-Policy, `Cache-Control: private,
no-store` for a signed-in person or a bearer token, and the same protection on static files.

The pages are found the way a person finds them: each demo role signs in and follows the links
from home, so a new page is checked as soon as something links to it (one walk, tests/web/walk.py,
which the Welsh pages test reads too). tests/browser/test_csp.py loads the same pages in a real
browser and checks that the policy refuses nothing they need.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from partners.models import Organisation
from tests.factories import MemberFactory, ProgrammeFactory, approved_organisation
from tests.spending.conftest import funded_member, make_offer, venue_staff
from tests.spending.test_offer_photos import png, upload
from timecredits.spending.display import photo_url
from timecredits.spending.use_cases import offer_photo_set

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy_of(headers) -> dict[str, set[str]]:
    header = headers.get("Content-Security-Policy") or ""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


def shape(path: str) -> str:
    """/sessions/12/?x=1 -> /sessions/N/, and a check-in link's token -> {token}."""
    path = path.split("?")[0]
    return "/c/{token}" if path.startswith("/c/") else re.sub(r"\d+", "N", path)


def test_every_page_a_demo_role_reaches_carries_the_policy_and_no_store(db, demo_walk):
    checked = set()
    for username, pages in demo_walk.pages.items():
        for path, page in pages.items():
            where = f"{username}: {path} ({page.status})"
            assert policy_of(page.headers) == POLICY, where
            cache_control = set(re.split(r",\s*", page.headers.get("Cache-Control", "")))
            assert {"private", "no-store"} <= cache_control, where
            checked.add(shape(path))

    # The pages the crawl must have reached, so a broken link cannot shrink the check unseen.
    for page in [
        "/",
        "/me/credits/",
        "/me/pass/",
        "/me/card/",
        "/offers/",
        "/programmes/N/admin/",
        "/programmes/N/reports/",
        "/programmes/N/reports/outcomes/",
        "/organisations/N/sessions/",
        "/sessions/N/",
        "/sessions/N/kiosk/",
        "/sessions/N/poster/",
        "/organisations/N/verify/",
        "/organisations/N/redeem/",
        "/c/{token}",
        "/admin/",
        "/admin/members/user/N/change/",
        "/api/vN/docs",
    ]:
        assert page in checked, page


def test_a_signed_out_page_has_the_policy_and_keeps_its_own_caching(db):
    client = Client()

    home = client.get("/")
    sign_in = client.get("/sign-in/")

    assert policy_of(home.headers) == POLICY
    assert "Cache-Control" not in home.headers
    assert policy_of(sign_in.headers) == POLICY
    assert "no-store" in sign_in.headers["Cache-Control"]


def test_an_api_answer_to_a_bearer_token_is_private_and_no_store(db, bearer_for):
    member = MemberFactory()

    response = Client().get("/api/v1/me", headers=bearer_for(member.user))

    assert response.status_code == 200
    assert response.json()["username"] == member.user.username
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_refused_bearer_token_is_not_stored_either(db):
    response = Client().get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_response_that_chose_its_caching_keeps_it(db):
    """A published offer's photo is public and cached for a day, signed in or not."""
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind=Organisation.Kind.VENUE)
    offer = offer_photo_set(
        actor=venue_staff(venue), offer_id=make_offer(venue).pk, photo=upload(png(), name="a.png")
    )
    client = Client()
    client.force_login(funded_member(programme).user)

    response = client.get(photo_url(offer))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    "path", ["/static/css/site.css", "/static/js/print.js", "/static/ninja/favicon.svg"]
)
def test_static_files_served_by_whitenoise_carry_the_page_headers(db, settings, tmp_path, path):
    # The test settings leave WhiteNoise out; here it serves the files, found where they live.
    settings.MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware", *settings.MIDDLEWARE]
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = tmp_path

    response = Client().get(path)

    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert policy_of(response.headers) == POLICY
    assert response.headers["Cache-Control"].endswith("public")
    assert type(response).__module__.startswith("whitenoise")


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy refuses all three; a template that needed one would break in the browser."""
    inline = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    templates = [
        path
        for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html")
        if ".venv" not in path.parts
    ]

    found = {
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in templates
        for match in inline.finditer(path.read_text())
    }

    assert len(templates) > 50
    assert found == set()
