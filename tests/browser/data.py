"""What the browser tests need in the live server's database besides the demo: each role's start
pages (tests/web/pages.py), a session happening now for each journey that checks someone in (a
member is checked in at one session at a time), and an offer anyone can book at any hour.

Run by `manage.py shell` in the server's own database (tests/e2e/stack.py SeededServer)."""

# Who goes through which journey: the check-in journeys each need a member of their own.
JOURNEY_MEMBERS = {"member": "amira", "offline": "carys", "nojs": "ben"}
PRINT = "import json; from tests.browser.data import journey_data as d; print(json.dumps(d()))"


def journey_data() -> dict:
    # Imported here, where Django is set up: the tests import this module for PRINT alone.
    from partners.models import Organisation
    from tests.credits.conftest import earn
    from tests.factories import SessionFactory
    from tests.web.pages import start_pages
    from timecredits.activities import tokens
    from timecredits.activities.models import Activity
    from timecredits.members.models import Member
    from timecredits.spending.models import Offer

    starts = start_pages()
    activity = Activity.objects.filter(organisation__slug="riverside-lunch-club").earliest("pk")
    checkins = {}
    for journey in ["join", *JOURNEY_MEMBERS]:
        session = SessionFactory(activity=activity, location=f"Kitchen ({journey})")
        token = tokens.poster_token(
            session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
        )
        checkins[journey] = {"token": token, "session_id": session.pk}
    venue = Organisation.objects.get(slug="riverside-leisure-centre")
    offer = Offer.objects.create(
        organisation=venue, title="Sauna hour", cost_minutes=60, category="leisure"
    )
    offer.programmes.set(venue.programmes.all())
    for username in JOURNEY_MEMBERS.values():
        earn(Member.objects.get(user__username=username), 300, key=f"browser-tests:{username}")
    return {
        "starts": starts,
        "checkins": checkins,
        "activity": activity.title,
        "offer": {"id": offer.pk, "title": offer.title},
        "venue_id": venue.pk,
        "codes": {u: Member.objects.get(user__username=u).code for u in JOURNEY_MEMBERS.values()},
    }
