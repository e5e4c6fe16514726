"""The installable app's parts that are not pages: the web app manifest, and the app shell the
service worker keeps (which static files, and a version that changes whenever one of them does).

Pure functions of the static files on disk and the settings, no database and no request.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext as _

# The service worker precaches the site's own stylesheets, scripts, icons and vendored libraries
# (not the admin's or the API docs' static files: a member never needs those offline).
SHELL_FOLDERS = ("css", "js", "icons", "vendor")
SHELL_SUFFIXES = (".css", ".js", ".mjs", ".png", ".svg", ".ico", ".woff2")
SERVICE_WORKER = Path(__file__).with_name("sw.js")
BRAND_GREEN = "#0b5d3b"
BACKGROUND = "#ffffff"
ICONS = [
    ("icons/icon.svg", "any", "image/svg+xml", "any"),
    ("icons/icon-192.png", "192x192", "image/png", "any"),
    ("icons/icon-512.png", "512x512", "image/png", "any"),
    ("icons/maskable-192.png", "192x192", "image/png", "maskable"),
    ("icons/maskable-512.png", "512x512", "image/png", "maskable"),
]


def shell_files() -> list[tuple[str, Path]]:
    """(path under STATIC_URL, file on disk) of every static file the app shell holds, sorted."""
    found = {}
    finder = finders.FileSystemFinder()
    for relative, storage in finder.list(ignore_patterns=["*.map", "LICENSE*", "*.md"]):
        relative = relative.replace("\\", "/")
        if relative.split("/", 1)[0] in SHELL_FOLDERS and relative.endswith(SHELL_SUFFIXES):
            found.setdefault(relative, Path(storage.path(relative)))
    return sorted(found.items())


def _version() -> str:
    digest = hashlib.sha256(SERVICE_WORKER.read_bytes())
    for relative, path in shell_files():
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_cached_version = functools.cache(_version)


def shell_version() -> str:
    """Changes whenever the service worker or a file it precaches changes, so a deploy that
    changes any of them installs a new worker and drops the old shell. Read once per process,
    except under DEBUG, where files change while the server runs."""
    return _version() if settings.DEBUG else _cached_version()


def service_worker_config(*, offline_url: str, manifest_url: str) -> dict:
    return {
        "version": shell_version(),
        "static_prefix": static(""),
        "shell": [static(relative) for relative, _path in shell_files()],
        "offline": offline_url,
        "manifest": manifest_url,
    }


def manifest(*, language: str, start_url: str, shortcuts: list[tuple[str, str]]) -> dict:
    """The web app manifest, in the request's language."""
    return {
        "id": start_url,
        "name": _("Time credits"),
        "short_name": _("Time credits"),
        "description": _("Give an hour, earn a time credit, and spend it with local partners."),
        "lang": language,
        "dir": "ltr",
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "theme_color": BRAND_GREEN,
        "background_color": BACKGROUND,
        "categories": ["lifestyle", "social"],
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}
            for path, sizes, kind, purpose in ICONS
        ],
        "shortcuts": [{"name": name, "url": url} for name, url in shortcuts],
    }
