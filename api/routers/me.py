"""/me: who the caller is, their roles, their credits and their notifications."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from api.schemas import InputSchema
from ledger.selectors import account_balance, member_account, transfer_history
from timecredits.errors import NotFound
from timecredits.members.selectors import member_for_user, user_roles
from timecredits.notifications.selectors import emailed_kinds, member_notifications, unread_count
from timecredits.notifications.services import email_preferences_set, notifications_mark_read

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


class TransferHistoryLineOut(Schema):
    id: int
    posted_at: datetime
    kind: str
    phase: str
    amount: int = Field(description="Signed minutes: positive when credits came in.")
    balance_after: int
    memo: str


class TransferHistoryOut(Schema):
    balance: BalanceOut
    items: list[TransferHistoryLineOut]
    next_before: int | None = Field(description="Pass as `before` for the next, older page.")


class TransferHistoryQuery(Schema):
    before: int | None = Field(default=None, description="Only transfers older than this id.")
    limit: int = Field(default=50, ge=1, le=200)


@router.get("", response=MeOut, summary="The signed-in person and their roles")
def me(request):
    user = request.auth
    member = member_for_user(user=user)
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        name=user.get_full_name(),
        email=user.email,
        member_id=member.pk if member else None,
        roles=[
            RoleOut(
                role=g.role,
                label=g.label,
                scope=g.scope,
                scope_id=g.scope_id,
                scope_name=g.scope_name,
            )
            for g in user_roles(user=user)
        ],
    )


@router.get("/transfers", response=TransferHistoryOut, summary="My balance and credit history")
def my_transfers(request, query: Query[TransferHistoryQuery]):
    member = _own_member(request)
    account = member_account(member=member)
    lines = transfer_history(account=account, before=query.before, limit=query.limit)
    balance = account_balance(account=account)
    return TransferHistoryOut(
        balance=BalanceOut(
            posted=balance.posted, on_hold=balance.on_hold, available=balance.available
        ),
        items=[
            TransferHistoryLineOut(
                id=line.transfer.pk,
                posted_at=line.transfer.posted_at,
                kind=line.transfer.kind,
                phase=line.transfer.phase,
                amount=line.amount,
                balance_after=line.balance_after,
                memo=line.transfer.memo,
            )
            for line in lines
        ],
        next_before=lines[-1].transfer.pk if len(lines) == query.limit else None,
    )


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class EmailPreferencesIO(InputSchema):
    kinds: list[str] = Field(description="The kinds of notification also sent by email.")


def _own_member(request):
    member = member_for_user(user=request.auth)
    if member is None or member.closed_at is not None:
        raise NotFound(_("You do not have a member profile."))
    return member


@router.get("/notifications", response=NotificationsOut, summary="My latest notifications")
def my_notifications(request):
    member = _own_member(request)
    return NotificationsOut(
        unread=unread_count(member=member),
        items=[
            NotificationOut(
                id=n.pk,
                kind=n.kind,
                title=n.title,
                body=n.body,
                url=n.url,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in member_notifications(member=member)
        ],
    )


@router.post("/notifications/read", response=NotificationsOut, summary="Mark them all as read")
def read_my_notifications(request):
    notifications_mark_read(member=_own_member(request))
    return my_notifications(request)


@router.get("/email-preferences", response=EmailPreferencesIO, summary="Which emails I get")
def my_email_preferences(request):
    return EmailPreferencesIO(kinds=sorted(emailed_kinds(member=_own_member(request))))


@router.put("/email-preferences", response=EmailPreferencesIO, summary="Choose which emails I get")
def set_my_email_preferences(request, payload: EmailPreferencesIO):
    member = _own_member(request)
    email_preferences_set(member=member, kinds=set(payload.kinds))
    return EmailPreferencesIO(kinds=sorted(emailed_kinds(member=member)))
