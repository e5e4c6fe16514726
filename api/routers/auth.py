"""Signing in and out from a phone: trade a username and password for a bearer token, revoke it,
list and revoke one's devices (tokens), and sign out everywhere.

Password guessing on POST /token is throttled per account and per client address by the
sign-in backend (timecredits.members.throttle), like every other way in.
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from timecredits.errors import Invalid

from ..auth import bearer
from ..tokens import device_revoke, sign_out_everywhere, token_issue, token_revoke, user_devices

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)
    name: str = Field(default="", max_length=100, description="A label such as the phone's name.")


class TokenOut(Schema):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'. Shown only once.")
    prefix: str
    created_at: datetime


class DeviceOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell it apart.")
    created_at: datetime
    last_used_at: datetime | None
    current: bool = Field(description="Whether this request came with this token.")

    @staticmethod
    def resolve_current(token, context) -> bool:
        current = getattr(context["request"], "api_token", None)
        return current is not None and token.pk == current.pk


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut},
    summary="Trade a username and password for a bearer token",
)
def create_token(request, payload: TokenIn):
    token, raw = token_issue(
        request=request, username=payload.username, password=payload.password, name=payload.name
    )
    return TokenOut(token=raw, prefix=token.prefix, created_at=token.created_at)


@router.delete("/token", auth=bearer, response={204: None}, summary="Revoke the token in use")
def delete_token(request):
    if getattr(request, "api_token", None) is None:
        raise Invalid(_("Only a bearer token can revoke itself."))
    token_revoke(token=request.api_token)


@router.get("/tokens", response=list[DeviceOut], summary="My devices: the tokens signed in as me")
def list_devices(request):
    return user_devices(user=request.auth)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Sign one of my devices out")
def revoke_device(request, token_id: int):
    device_revoke(user=request.auth, token_id=token_id)


@router.post(
    "/sign-out-everywhere",
    response={204: None},
    summary="End every session and revoke every token of mine, this one included",
)
def sign_out_everywhere_now(request):
    sign_out_everywhere(user=request.auth)
