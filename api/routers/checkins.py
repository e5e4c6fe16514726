"""Check-ins: a member's scan and check-out, a coordinator's pass scan and attendance, claims."""

from datetime import datetime, timedelta
from functools import partial

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, model_validator

from api.paging import page_query, paged
from api.schemas import IdempotencyKey, InputSchema, Moment
from timecredits.activities.use_cases import checkins

router = Router(tags=["check-ins"])

# A year: far past the day a kept scan may wait, which the check-in refuses by name.
MAX_SECONDS_AGO = 366 * 24 * 3600

IDEMPOTENCY_KEY = IdempotencyKey(
    "the check-in is made once, however late the phone sends it again", max_length=100
)


class ScanTime(InputSchema):
    """When a scan the phone kept was made: neither field for a scan sent as it is made."""

    scanned_at: Moment | None = Field(
        default=None,
        description=(
            "When the code was scanned, if the phone kept the scan while offline (with its UTC "
            "offset). The code is judged as it was then: at most 24 hours ago, and not more "
            "than 2 minutes ahead of the server's clock. The check-in is recorded at this "
            "moment, and flagged synced_late when it arrives more than 2 minutes after it."
        ),
    )
    scanned_seconds_ago: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SECONDS_AGO,
        description=(
            "Or how long ago it was scanned, by the phone's own count: the same as scanned_at "
            "by the server's clock, and right even when the phone's clock is not. Not both."
        ),
    )

    @model_validator(mode="after")
    def one_time(self):
        if self.scanned_at is not None and self.scanned_seconds_ago is not None:
            raise ValueError(_("Give scanned_at or scanned_seconds_ago, not both."))
        return self

    def scan(self) -> dict:
        """The fields as a check-in takes them: how long ago made a moment by our clock."""
        fields = self.dict(exclude={"scanned_seconds_ago"})
        if self.scanned_seconds_ago is not None:
            fields["scanned_at"] = timezone.now() - timedelta(seconds=self.scanned_seconds_ago)
        return fields


class CheckinIn(ScanTime):
    token: str = Field(max_length=500, description="The token from the scanned /c/<token> URL.")
    session_id: int | None = Field(default=None, description="If given, must match the token.")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class PassCheckinIn(ScanTime):
    pass_token: str = Field(
        max_length=500, description="The token from the scanned /p/<token> URL."
    )


class AttendanceIn(InputSchema):
    member_codes: list[str] = Field(min_length=1, max_length=500)


class ClaimIn(InputSchema):
    session_id: int
    start: Moment = Field(description="With its UTC offset, e.g. 2026-05-01T10:00+01:00")
    end: Moment
    reason: str = Field(default="", max_length=500)


class ContributionOut(Schema):
    id: int
    session_id: int
    activity: str = Field(alias="session.activity.title")
    organisation: str = Field(alias="session.activity.organisation.name")
    session_starts_at: datetime = Field(alias="session.starts_at")
    session_ends_at: datetime = Field(alias="session.ends_at")
    status: str
    method: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    minutes: int
    auto_checked_out: bool
    outside_geofence: bool
    over_capacity: bool
    capped: bool
    synced_late: bool = Field(
        description="Scanned offline and sent more than 2 minutes after the scan."
    )
    clock_disagreed: bool = Field(
        description="Scanned offline by a phone whose clock disagreed with the changing code it "
        "scanned: recorded at the time the code was shown, for a coordinator to check."
    )
    note: str


class AttendeeOut(ContributionOut):
    """A contribution as the coordinators of its session see it: whose time it is."""

    member_code: str = Field(alias="member.code")
    member_name: str = Field(description="The member's full name, or their code without one.")

    @staticmethod
    def resolve_member_name(contribution) -> str:
        member = contribution.member
        return member.user.get_full_name() or member.code


@router.post(
    "/checkins",
    response={200: ContributionOut, 201: ContributionOut},
    summary="Check in with a scanned code, now or as scanned offline (200 if already checked in)",
)
def check_in(request, payload: CheckinIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    contribution, created = checkins.checkin_by_token(
        actor=request.auth, idempotency_key=idempotency_key, **payload.scan()
    )
    return Status(201 if created else 200, contribution)


@router.post("/checkouts", response=ContributionOut, summary="Check out of my open check-in")
def check_out(request):
    return checkins.checkout(actor=request.auth)


ContributionsPage = page_query(limit=50, most=100)


@router.get(
    "/me/contributions",
    response=list[ContributionOut],
    summary="My contributions, newest first",
    description="Where more follow, the `Link` header names the next page.",
)
def my_contributions(request, response: HttpResponse, page: Query[ContributionsPage]):
    return paged(request, response, page, partial(checkins.my_contributions, actor=request.auth))


@router.post(
    "/contributions/claims",
    response={201: ContributionOut},
    summary="Claim time at a past session I attended",
)
def claim(request, payload: ClaimIn):
    return Status(201, checkins.contribution_claim(actor=request.auth, **payload.dict()))


@router.post(
    "/sessions/{session_id}/pass-checkins",
    response={200: AttendeeOut, 201: AttendeeOut},
    summary="Check a member in by scanning their card or phone (coordinators)",
)
def pass_check_in(
    request, session_id: int, payload: PassCheckinIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    contribution, created = checkins.checkin_by_pass(
        actor=request.auth, session_id=session_id, idempotency_key=idempotency_key, **payload.scan()
    )
    return Status(201 if created else 200, contribution)


@router.post(
    "/sessions/{session_id}/attendance",
    response={201: list[AttendeeOut]},
    summary="Record attendance by hand (coordinators)",
)
def add_attendance(request, session_id: int, payload: AttendanceIn):
    added = checkins.attendance_add_by_codes(
        actor=request.auth, session_id=session_id, member_codes=payload.member_codes
    )
    return Status(201, added)
