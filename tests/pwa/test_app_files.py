"""The installable app's files: the manifest, its icons, the favicon and the service worker answer
at the site's root with the types and headers browsers need."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from PIL import Image

from tests.factories import MemberFactory
from timecredits.pwa import shell

pytestmark = pytest.mark.django_db


def _static_path(url: str) -> str:
    assert url.startswith("/static/"), url
    return finders.find(url.removeprefix("/static/"))


def test_the_manifest_is_served_as_a_manifest_with_the_apps_name_and_scope(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Time credits"
    assert manifest["short_name"] == "Time credits"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5d3b"
    assert manifest["background_color"] == "#ffffff"
    assert [s["url"] for s in manifest["shortcuts"]] == ["/me/pass/", "/me/card/"]


def test_the_manifest_speaks_the_requests_language(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "cy"})

    assert json.loads(response.content)["lang"] == "cy"


def test_every_manifest_icon_exists_at_the_size_it_claims(client):
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]

    kinds = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert kinds == {
        ("any", "any"),
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        path = _static_path(icon["src"])
        assert path, icon
        if icon["type"] == "image/svg+xml":
            assert Path(path).read_text().startswith("<svg")
            continue
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            if icon["purpose"] == "maskable":
                # A mask may show any part of the square: no transparent corners.
                assert image.mode == "RGB"


def test_the_favicon_answers_at_the_root_with_three_sizes(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as icon:
        assert icon.format == "ICO"
        assert icon.ico.sizes() == {(16, 16), (32, 32), (48, 48)}


def test_the_apple_touch_icon_answers_at_the_root_without_transparency(client):
    response = client.get("/apple-touch-icon.png")

    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as icon:
        assert (icon.format, icon.size, icon.mode) == ("PNG", (180, 180), "RGB")


def test_the_service_worker_is_served_from_the_root_uncached_for_the_whole_site(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    first_line = response.content.decode().splitlines()[0]
    config = json.loads(first_line.removeprefix("const CONFIG = ").removesuffix(";"))
    assert config["version"] == shell.shell_version()
    assert config["offline"] == "/offline/"
    assert config["manifest"] == "/manifest.webmanifest"
    assert config["static_prefix"] == "/static/"
    for url in [
        "/static/css/site.css",
        "/static/js/app.js",
        "/static/icons/icon-192.png",
        "/static/icons/maskable-512.png",
        "/static/icons/favicon.ico",
    ]:
        assert url in config["shell"], url
    assert all(_static_path(url) for url in config["shell"])
    assert not any("admin/" in url or "ninja/" in url for url in config["shell"])


def test_a_signed_in_member_gets_the_same_service_worker_headers(client):
    client.force_login(MemberFactory().user)

    response = client.get("/sw.js")

    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"


def test_the_service_worker_refuses_a_post(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


def test_the_shell_version_changes_when_a_file_it_caches_changes(tmp_path):
    (tmp_path / "css").mkdir()
    site = tmp_path / "css" / "site.css"
    site.write_text("body { color: black; }")
    with override_settings(STATICFILES_DIRS=[tmp_path], DEBUG=True):
        before = shell.shell_version()
        site.write_text("body { color: green; }")
        after = shell.shell_version()
        (tmp_path / "notes.txt").write_text("not part of the shell")
        unchanged = shell.shell_version()

    assert before != after
    assert after == unchanged


def test_every_page_names_the_manifest_the_icons_and_the_app_script(client):
    html = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="icon" href="/static/icons/favicon.ico" sizes="48x48">' in html
    assert '<link rel="icon" href="/static/icons/icon.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert '<script src="/static/js/app.js" defer></script>' in html


def test_the_offline_page_offers_the_pass_and_card_to_someone_signed_in(client):
    anonymous = client.get("/offline/").content.decode()
    client.force_login(MemberFactory().user)
    signed_in = client.get("/offline/").content.decode()

    assert "No connection" in anonymous
    assert 'href="/me/pass/"' not in anonymous
    assert 'href="/me/pass/"' in signed_in
    assert 'href="/me/card/"' in signed_in
