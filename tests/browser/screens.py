"""`make screens`: a phone-size screenshot of every page each demo role reaches, for a person to
review the look. It starts the browser tests' live server (a seeded SQLite database of its own,
in a temporary folder), signs in as each role in Debian's Chromium at 360 x 740, walks the same
pages as tests/browser/test_pages.py and writes var/screens/<role>-<page>.png (the whole page),
then prints the list.

    python -m tests.browser.screens [--out var/screens] [--roles amira venue] [--readme]

--readme also writes the first screen of a few pages to tests/browser/readme/, which the README
shows. The commissioner's report pages (the dashboard, outcomes and valuation) are also written
at a desktop's size, as var/screens/desktop-commissioner-<page>.png.
"""

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

# The demo password and the start pages come from Django code; the server is a subprocess.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timecredits.settings.test")
import django

django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.data import PRINT  # noqa: E402
from tests.browser.phone import PHONE, TIMEOUT, signed_in, signed_out_starts, walk  # noqa: E402
from tests.e2e.stack import CHROMIUM, ROOT, SeededServer  # noqa: E402

ROLES = ["signed-out", "amira", "coordinator", "venue", "groupadmin", "programme", "commissioner"]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# (role, path, file, size): the first screen of these goes in the README.
README = [
    ("amira", "/", "member-home.png", PHONE),
    ("amira", "/me/credits/", "member-credits.png", PHONE),
    ("venue", "/organisations/{venue_id}/redeem/", "venue-till.png", PHONE),
    ("commissioner", "{reports}", "dashboard-phone.png", PHONE),
    ("commissioner", "{reports}", "dashboard-desktop.png", DESKTOP),
]
# The commissioner's report pages, also at a desktop's size: {reports} is the dashboard.
REPORTS = ["{reports}", "{reports}outcomes/", "{reports}valuation/"]


def slug(path: str) -> str:
    """A file name for a page: /sessions/4/poster/ -> sessions-4-poster; a token is cut short."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", path.split("?")[0]).strip("-")
    return (words or "home")[:48].rstrip("-")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "screens"))
    parser.add_argument("--roles", nargs="*", default=ROLES)
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with (
        tempfile.TemporaryDirectory() as folder,
        SeededServer(Path(folder), prepare=PRINT) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for role in args.roles:
            context = browser.new_context(**PHONE, base_url=server.base)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            if role == "signed-out":
                starts = signed_out_starts(server.data)
            else:
                signed_in(page, role)
                starts = server.data["starts"][role]
            names = set()
            for response in walk(page, starts):
                name = slug(response.url.removeprefix(server.base))
                if name in names:
                    continue
                names.add(name)
                target = out / f"{role}-{name}.png"
                page.screenshot(path=target, full_page=True)
                written.append(target)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()
        reports = next(p for p in server.data["starts"]["commissioner"] if p.endswith("/reports/"))
        if "commissioner" in args.roles:
            context = browser.new_context(**DESKTOP, base_url=server.base)
            page = signed_in(context.new_page(), "commissioner")
            for path in REPORTS:
                page.goto(path.format(reports=reports))
                name = slug(path.format(reports=reports))
                target = out / f"desktop-commissioner-{name}.png"
                page.screenshot(path=target, full_page=True)
                written.append(target)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()
        if args.readme:
            docs = ROOT / "tests" / "browser" / "readme"
            docs.mkdir(parents=True, exist_ok=True)
            for role, path, name, size in README:
                # At the density of 1, to keep the files the repository holds small.
                small = {**size, "device_scale_factor": 1}
                context = browser.new_context(**small, base_url=server.base)
                page = signed_in(context.new_page(), role)
                page.goto(path.format(venue_id=server.data["venue_id"], reports=reports))
                page.screenshot(path=docs / name)
                print(f"tests/browser/readme/{name}")
                context.close()
        browser.close()
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
