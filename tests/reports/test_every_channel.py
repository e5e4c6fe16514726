"""Every way a commissioner can read a programme's figures (pages, print, CSV, XLSX, the JSON API,
outcomes, valuation, snapshots) for a month in which only three people gave time: none of them
gives away who they are, or the small group's totals.

The three give 413, 389 and 371 minutes (1,173 in all: 19.55 hours), numbers chosen so that no
other part of a page would show their totals by chance. Any channel that printed one of those
totals, a person's hours, a value per hour applied to them, or anyone's name, email, phone number
or member code, would fail here.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    approved_organisation,
)
from tests.reports.conftest import (
    admin_of,
    commissioner_of,
    coordinator_of,
    give,
    shows_number,
    snapshot_built,
)
from tests.reports.surveyed import JANUARY, answer, built_in, when
from timecredits.reports.models import ProxyValue

MINUTES = (413, 389, 371)
# Totals and per-person figures of the small group, as any channel would print them.
SECRETS = ["1173", "1,173", "19.55", "195.5", "6.88", "6.48", "6.18"]
PERIOD = "from=2026-03-01&to=2026-03-31"
MONTH = "period=month&month=2026-03"


@pytest.fixture
def small(db, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(report_threshold=5)
    group = approved_organisation(programme, name="Canal Clean-up")
    activity = ActivityFactory(programme=programme, organisation=group)
    members = [
        MemberFactory(
            programme=programme,
            reports_consent=True,
            area="RV9",
            user__first_name=f"Philomena{i}",
            user__last_name=f"Higginbottom{i}",
            user__phone=f"+4477009001{i:02d}",
        )
        for i in range(3)
    ]
    start = timezone.make_aware(datetime.datetime(2026, 3, 7, 9, 0))
    day = SessionFactory(
        activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=8)
    )
    for member, minutes in zip(members, MINUTES, strict=True):
        give(member, day, minutes)
    life = built_in("ons4", "life_satisfaction")
    for member in members:
        answer(member, life, 0, 4, when(JANUARY, 1))
        answer(member, life, 3, 9, when(15))
    admin = admin_of(programme)
    ProxyValue.objects.create(
        programme=programme,
        name="An hour of time (invented for this test)",
        basis=ProxyValue.Basis.HOUR,
        value="10.00",
        source="Invented for the test.",
        created_by=admin,
    )
    return {
        "programme": programme,
        "members": members,
        "snapshot": snapshot_built(programme, django_capture_on_commit_callbacks, admin=admin),
        "commissioner": commissioner_of(programme),
    }


def _channels(programme, snapshot) -> dict:
    p, s = programme.pk, snapshot.pk
    return {
        "outputs page": f"/programmes/{p}/reports/?{MONTH}",
        "outputs page csv": f"/programmes/{p}/reports/?{MONTH}&format=csv",
        "outputs page xlsx": f"/programmes/{p}/reports/?{MONTH}&format=xlsx",
        "printable report": f"/programmes/{p}/reports/print?{MONTH}",
        "outcomes page": f"/programmes/{p}/reports/outcomes/?{MONTH}",
        "outcomes page csv": f"/programmes/{p}/reports/outcomes/?{MONTH}&format=csv",
        "outcomes page xlsx": f"/programmes/{p}/reports/outcomes/?{MONTH}&format=xlsx",
        "outcomes printable report": f"/programmes/{p}/reports/outcomes/print?{MONTH}",
        "valuation page": f"/programmes/{p}/reports/valuation/?{MONTH}",
        "snapshots page": f"/programmes/{p}/reports/snapshots/",
        "snapshot page": f"/programmes/{p}/reports/snapshots/{s}/",
        "snapshot page csv": f"/programmes/{p}/reports/snapshots/{s}/?format=csv",
        "snapshot page xlsx": f"/programmes/{p}/reports/snapshots/{s}/?format=xlsx",
        "outputs api": f"/api/v1/programmes/{p}/reports/outputs?{PERIOD}",
        "outputs api csv": f"/api/v1/programmes/{p}/reports/outputs?{PERIOD}&format=csv",
        "outputs api xlsx": f"/api/v1/programmes/{p}/reports/outputs?{PERIOD}&format=xlsx",
        "outcomes api": f"/api/v1/programmes/{p}/reports/outcomes?{PERIOD}",
        "outcomes api csv": f"/api/v1/programmes/{p}/reports/outcomes?{PERIOD}&format=csv",
        "outcomes api xlsx": f"/api/v1/programmes/{p}/reports/outcomes?{PERIOD}&format=xlsx",
        "valuation api": f"/api/v1/programmes/{p}/reports/valuation?{PERIOD}",
        "snapshots api": f"/api/v1/programmes/{p}/reports/snapshots",
        "snapshot api": f"/api/v1/programmes/{p}/reports/snapshots/{s}",
        "snapshot api csv": f"/api/v1/programmes/{p}/reports/snapshots/{s}?format=csv",
        "snapshot api xlsx": f"/api/v1/programmes/{p}/reports/snapshots/{s}?format=xlsx",
    }


def _text(response) -> str:
    """What the reader receives, as text (a workbook's every cell, anything else decoded), less
    clock times, whose fractions of a second could hold any digits."""
    return re.sub(r"\d\d:\d\d(:\d\d(\.\d+)?)?", "", _received(response))


def _received(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(
            " | ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return response.content.decode()


CHANNELS = [
    "outputs page",
    "outputs page csv",
    "outputs page xlsx",
    "printable report",
    "outcomes page",
    "outcomes page csv",
    "outcomes page xlsx",
    "outcomes printable report",
    "valuation page",
    "snapshots page",
    "snapshot page",
    "snapshot page csv",
    "snapshot page xlsx",
    "outputs api",
    "outputs api csv",
    "outputs api xlsx",
    "outcomes api",
    "outcomes api csv",
    "outcomes api xlsx",
    "valuation api",
    "snapshots api",
    "snapshot api",
    "snapshot api csv",
    "snapshot api xlsx",
]


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_channel_gives_a_commissioner_an_identity_or_a_small_groups_figures(
    client, small, channel
):
    client.force_login(small["commissioner"])

    response = client.get(_channels(small["programme"], small["snapshot"])[channel])

    assert response.status_code == 200, response.content[:500]
    text = _text(response)
    for member in small["members"]:
        user = member.user
        for identity in (member.code, user.email, user.phone, user.first_name, user.last_name):
            assert identity not in text, (channel, identity)
    for secret in SECRETS:
        assert not shows_number(text, secret), (channel, secret)


def test_the_channels_cover_every_report_address_a_commissioner_can_read(small):
    """A new report page or API path must join the list above, or this fails."""
    from api.v1 import api
    from timecredits.reports import urls

    covered = {
        re.sub(r"/\d+", "/N", url.split("?")[0])
        for url in _channels(small["programme"], small["snapshot"]).values()
    }
    pages = {
        "/" + re.sub(r"<int:\w+>", "N", str(p.pattern))
        for p in urls.urlpatterns
        if str(p.pattern).startswith("programmes/") and "/admin/" not in str(p.pattern)
    }
    schema = api.get_openapi_schema()
    reads = {
        re.sub(r"\{\w+\}", "N", path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/programmes/")
        if "get" in operations and "/reports" in path
    }
    assert pages <= covered, pages - covered
    assert reads <= covered, reads - covered
    assert set(CHANNELS) == set(_channels(small["programme"], small["snapshot"]))


def test_the_same_month_unsuppressed_shows_the_groups_total_to_its_own_organisation(client, small):
    """The check above could pass by showing nothing at all: the organisation's own staff, who
    may see their figures as they are, get the very totals the commissioner never does."""

    group = small["members"][0].contributions.first().session.activity.organisation
    coordinator = coordinator_of(group)
    client.force_login(coordinator)

    response = client.get(f"/api/v1/organisations/{group.pk}/reports/outputs?{PERIOD}")

    figures = {f["key"]: f["value"] for f in response.json()["figures"]}
    assert figures["hours_given"] == 19.55
    assert figures["active_members"] == 3


def test_an_unknown_activity_type_is_refused_not_answered_with_zeros(client, small):
    # "activity_type=zzz" was 200 with every figure 0, where an unknown age band is a 422.
    client.force_login(small["commissioner"])
    programme = small["programme"]

    response = client.get(
        f"/api/v1/programmes/{programme.pk}/reports/outputs?{PERIOD}&activity_type=zzz"
    )

    assert response.status_code == 422
    assert response.json()["error"]["detail"] == {"field": "activity_type"}


def test_a_printable_report_for_no_period_says_why_and_leads_back_to_the_report(client, small):
    # Reversed dates gave a bare English page saying to choose both dates, and only Home.
    client.force_login(small["commissioner"])
    programme = small["programme"]
    query = "period=custom&start=2026-03-01&end=2026-01-01"

    for printable, report in (
        ("reports/print", "reports/"),
        ("reports/outcomes/print", "reports/outcomes/"),
    ):
        response = client.get(f"/programmes/{programme.pk}/{printable}?{query}")

        text = response.content.decode()
        assert response.status_code == 400
        assert "Choose a month, a quarter, or both dates." not in text
        assert f'href="/programmes/{programme.pk}/{report}?{query.replace("&", "&amp;")}"' in text
