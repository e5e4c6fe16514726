"""/me: who the caller is, their roles, their credits and their notifications."""

from datetime import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from api.schemas import InputSchema
from timecredits.members.use_cases import member_credit_history, signed_in_person
from timecredits.notifications import use_cases as notifications

from .credits import TransferLineFields

router = Router(tags=["me"])


class RoleOut(Schema):
    role: str
    label: str
    scope: str
    scope_id: int | None
    scope_name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    member_id: int | None
    roles: list[RoleOut]


class BalanceOut(Schema):
    posted: int = Field(description="Minutes held (60 minutes = 1 credit).")
    on_hold: int = Field(description="Minutes reserved by holds, such as a booking.")
    available: int = Field(description="Minutes that can be spent now.")


class TransferHistoryLineOut(TransferLineFields):
    id: int = Field(alias="transfer.pk")
    phase: str = Field(alias="transfer.phase")
    amount: int = Field(description="Signed minutes: positive when credits came in.")
    balance_after: int
    memo: str = Field(alias="transfer.memo")


class TransferHistoryOut(Schema):
    balance: BalanceOut
    items: list[TransferHistoryLineOut] = Field(alias="lines")
    next_before: int | None = Field(description="Pass as `before` for the next, older page.")


class TransferHistoryQuery(Schema):
    before: int | None = Field(default=None, description="Only transfers older than this id.")
    limit: int = Field(default=50, ge=1, le=200)


@router.get("", response=MeOut, summary="The signed-in person and their roles")
def me(request):
    person = signed_in_person(actor=request.auth)
    user = person.user
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        name=user.get_full_name(),
        email=user.email,
        member_id=person.member.pk if person.member else None,
        roles=person.roles,
    )


@router.get("/transfers", response=TransferHistoryOut, summary="My balance and credit history")
def my_transfers(request, query: Query[TransferHistoryQuery]):
    return member_credit_history(actor=request.auth, before=query.before, limit=query.limit)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_read(notification) -> bool:
        return notification.read_at is not None


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class EmailPreferencesIO(InputSchema):
    kinds: list[str] = Field(description="The kinds of notification also sent by email.")


@router.get("/notifications", response=NotificationsOut, summary="My latest notifications")
def my_notifications(request):
    inbox = notifications.member_inbox(actor=request.auth)
    return NotificationsOut(unread=inbox.unread, items=inbox.notifications)


@router.post("/notifications/read", response=NotificationsOut, summary="Mark them all as read")
def read_my_notifications(request):
    notifications.notifications_mark_read(actor=request.auth)
    return my_notifications(request)


@router.get("/email-preferences", response=EmailPreferencesIO, summary="Which emails I get")
def my_email_preferences(request):
    return EmailPreferencesIO(kinds=sorted(notifications.emailed_kinds(actor=request.auth)))


@router.put("/email-preferences", response=EmailPreferencesIO, summary="Choose which emails I get")
def set_my_email_preferences(request, payload: EmailPreferencesIO):
    kinds = notifications.email_preferences_set(actor=request.auth, kinds=set(payload.kinds))
    return EmailPreferencesIO(kinds=sorted(kinds))
