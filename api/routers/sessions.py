"""Activities and sessions for coordinators, their check-in codes, and verifying contributions."""

from datetime import datetime
from functools import partial

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from api.paging import page_query, paged
from api.routes import action_route, create_route
from api.schemas import InputSchema, Moment
from timecredits.activities.limits import MAX_FIXED_MINUTES, MAX_REPEATS, MAX_SESSION_LENGTH
from timecredits.activities.use_cases import sessions, verification

from .checkins import ContributionOut

router = Router(tags=["sessions"])


class ActivityIn(InputSchema):
    programme_id: int
    title: str = Field(max_length=200)
    type: str
    category: str = Field(default="", max_length=100)
    description: str = ""


class ActivityOut(Schema):
    id: int
    organisation_id: int
    programme_id: int
    title: str
    type: str
    category: str
    description: str


MAX_SESSION_HOURS = int(MAX_SESSION_LENGTH.total_seconds() // 3600)


class SessionIn(InputSchema):
    starts_at: Moment = Field(description="With its UTC offset, e.g. 2026-05-01T10:00+01:00")
    ends_at: Moment = Field(description=f"At most {MAX_SESSION_HOURS} hours after it starts.")
    location: str = Field(default="", max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    radius_m: int | None = Field(default=None, ge=10, le=100_000)
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    credit_rule: str = "per_hour"
    fixed_minutes: int | None = Field(default=None, ge=1, le=MAX_FIXED_MINUTES)
    repeat_every_weeks: int | None = Field(default=None, description="1 weekly, 2 fortnightly")
    repeat_count: int = Field(default=1, ge=1, le=MAX_REPEATS)


class SessionOut(Schema):
    id: int
    activity_id: int
    starts_at: datetime
    ends_at: datetime
    location: str
    capacity: int | None
    credit_rule: str
    fixed_minutes: int | None
    cancelled_at: datetime | None


class CancelIn(InputSchema):
    series: bool = Field(
        default=False,
        description="Also cancel the later sessions of its series, but those with time at them.",
    )


class CheckinCodeOut(Schema):
    mode: str
    url: str


class ContributionsFilter(page_query(limit=500, most=500)):
    status: str | None = None


class DecisionIn(InputSchema):
    minutes: int | None = Field(
        default=None, ge=0, description="Adjust the minutes (needs a reason)."
    )
    reason: str = Field(default="", max_length=500)


class ReasonIn(InputSchema):
    reason: str = Field(max_length=500)


class BulkApprovalIn(InputSchema):
    contribution_ids: list[int] = Field(min_length=1, max_length=verification.MAX_BULK)


class NotApprovedOut(Schema):
    id: int
    message: str


class BulkApprovalOut(Schema):
    approved: list[ContributionOut] = Field(description="Approved now; their credits posted.")
    already: list[ContributionOut] = Field(description="Approved before: nothing changed.")
    refused: list[NotApprovedOut] = Field(description="Left as they were, each with why.")


@router.get(
    "/organisations/{organisation_id}/activities",
    response=list[ActivityOut],
    summary="An organisation's activities",
)
def list_activities(request, organisation_id: int):
    return sessions.activities_list(actor=request.auth, organisation_id=organisation_id)


create_activity = create_route(
    router,
    "/organisations/{organisation_id}/activities",
    sessions.activity_create,
    ActivityIn,
    ActivityOut,
    "Create an activity (coordinators)",
    operation_id="api_routers_sessions_create_activity",
)


SessionsPage = page_query(limit=100, most=200)


@router.get(
    "/activities/{activity_id}/sessions",
    response=list[SessionOut],
    summary="An activity's sessions, earliest first; paginated",
)
def list_sessions(request, response: HttpResponse, activity_id: int, page: Query[SessionsPage]):
    read = partial(sessions.sessions_list, actor=request.auth, activity_id=activity_id)
    return paged(request, response, page, read)


create_sessions = create_route(
    router,
    "/activities/{activity_id}/sessions",
    sessions.sessions_create,
    SessionIn,
    list[SessionOut],
    "Create a session, or a weekly or fortnightly series (coordinators)",
    operation_id="api_routers_sessions_create_sessions",
)


@router.post(
    "/sessions/{session_id}/cancel",
    response=list[SessionOut],
    summary="Cancel a session before it starts, or the rest of its series too (coordinators)",
    description=(
        "Refused with 409 `session_started` once it has started, or `session_has_time` when "
        "someone has time at it. Cancelling again cancels nothing more: an empty list."
    ),
)
def cancel_session(request, session_id: int, payload: CancelIn | None = None):
    series = payload is not None and payload.series
    return sessions.session_cancel(actor=request.auth, session_id=session_id, series=series)


reinstate_session = action_route(
    router,
    "/sessions/{session_id}/reinstate",
    sessions.session_reinstate,
    SessionOut,
    "Put back a cancelled session before it starts (coordinators)",
    operation_id="api_routers_sessions_reinstate_session",
)


@router.get(
    "/sessions/{session_id}/checkin-code",
    response=CheckinCodeOut,
    summary="The URL to show as a QR code: a poster's, or the kiosk's current one",
)
def checkin_code(request, session_id: int, mode: str = "poster"):
    code = sessions.session_checkin_code(actor=request.auth, session_id=session_id, mode=mode)
    return CheckinCodeOut(mode=code.mode, url=code.url)


@router.get(
    "/organisations/{organisation_id}/contributions",
    response=list[ContributionOut],
    summary="Contributions at an organisation's sessions, e.g. ?status=pending (coordinators)",
    description=(
        "Oldest session first. Where more follow, the `Link` header names the next page. "
        "Deciding time takes it out of `?status=pending`: after deciding a page, ask for the "
        "first page again rather than following the link, which would pass over as many."
    ),
)
def list_contributions(
    request, response: HttpResponse, organisation_id: int, filters: Query[ContributionsFilter]
):
    read = partial(
        verification.contributions_list,
        actor=request.auth,
        organisation_id=organisation_id,
        status=filters.status,
    )
    return paged(request, response, filters, read)


def _decision(verb: str, decide, payload_schema: type[InputSchema], summary: str):
    """The approve, reject and unapprove endpoints: a decision on a contribution, answered with the
    contribution as it stands after it."""

    @router.post(
        f"/contributions/{{contribution_id}}/{verb}",
        response=ContributionOut,
        summary=summary,
        operation_id=f"api_routers_sessions_{verb}",  # as published when they were three
    )
    def decided(request, contribution_id: int, payload: payload_schema):
        return decide(actor=request.auth, contribution_id=contribution_id, **payload.dict())

    return decided


approve = _decision(
    "approve",
    verification.contribution_approve,
    DecisionIn,
    "Approve, optionally adjusting the minutes with a reason",
)
reject = _decision("reject", verification.contribution_reject, ReasonIn, "Reject with a reason")
unapprove = _decision(
    "unapprove",
    verification.contribution_unapprove,
    ReasonIn,
    "Undo an approval; the credits are reversed",
)


approve_all = action_route(
    router,
    "/sessions/{session_id}/approve-all",
    verification.session_approve_all,
    list[ContributionOut],
    "Approve every pending contribution of a session",
    operation_id="api_routers_sessions_approve_all",
)


@router.post(
    "/organisations/{organisation_id}/contributions/approve",
    response=BulkApprovalOut,
    summary="Approve several of an organisation's contributions at once (coordinators)",
)
def approve_selected(request, organisation_id: int, payload: BulkApprovalIn):
    done = verification.contributions_approve(
        actor=request.auth, organisation_id=organisation_id, **payload.dict()
    )
    return {
        "approved": done.approved,
        "already": done.already,
        "refused": [{"id": pk, "message": why} for pk, _c, why in done.refused],
    }
