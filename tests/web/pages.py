"""Where each demo role's walk through the pages starts, after `seed_demo`: home, and the pages
that nothing on home links to (a past session, the commissioner's dashboard, a poster's check-in
link, the Django admin). Shared by the header test and the browser test, which runs it in the
server's own database through `manage.py shell`."""

import re

from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import SessionFactory
from timecredits.activities import tokens
from timecredits.activities.models import Activity, Session
from timecredits.programmes.models import Programme

# The time a walk takes is bounded by this many pages per role.
PAGES_PER_ROLE = 40
SKIP = re.compile(
    r"\.(png|csv|json|xlsx|ics)(\?|$)|/photo$|[?&]format=|^/admin/.+|^/api/|^/static/"
)


def start_pages() -> dict[str, list[str]]:
    """{username: [path, ...]} for each demo login; adds one fenced session happening now."""
    programme = Programme.objects.get(slug="riverside")
    activity = Activity.objects.filter(organisation__slug="riverside-lunch-club").earliest("pk")
    past = Session.objects.filter(activity=activity, ends_at__lt=timezone.now()).latest("starts_at")
    # A session with a geofence: its check-in page asks the browser for the phone's position.
    now = SessionFactory(
        activity=activity, latitude="51.481600", longitude="-3.179100", radius_m=200
    )
    checkin = tokens.poster_token(session_id=now.pk, starts_at=now.starts_at, ends_at=now.ends_at)
    amira = get_user_model().objects.get(username="amira")
    reports = f"/programmes/{programme.pk}/reports/"
    return {
        "admin": [
            "/",
            "/admin/",
            "/admin/members/user/",
            "/admin/members/user/add/",
            f"/admin/members/user/{amira.pk}/change/",
            "/admin/members/member/",
            f"/admin/members/member/{amira.member.pk}/change/",
        ],
        "programme": ["/", reports],
        "commissioner": ["/", reports, f"{reports}outcomes/"],
        "groupadmin": ["/"],
        "coordinator": [
            "/",
            f"/sessions/{past.pk}/",
            f"/sessions/{now.pk}/",
            f"/organisations/{activity.organisation_id}/sessions/?when=past",
            f"/organisations/{activity.organisation_id}/verify/",
        ],
        "venue": ["/"],
        "amira": ["/", f"/c/{checkin}", "/api/v1/docs"],
    }


def links(html: str) -> list[str]:
    """The same-site pages a page links to, less downloads, the API and the admin's many pages
    (start_pages names the admin pages to visit)."""
    found = (link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)"', html))
    return [link for link in found if not SKIP.search(link)]
