"""POST /auth/token trades a username and password for a bearer token; DELETE revokes it."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.throttling import AnonRateThrottle
from pydantic import Field

from timecredits.errors import Invalid

from ..auth import bearer
from ..tokens import token_issue, token_revoke

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)
    name: str = Field(default="", max_length=100, description="A label such as the phone's name.")


class TokenOut(Schema):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'. Shown only once.")
    prefix: str
    created_at: datetime


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut},
    throttle=[AnonRateThrottle("10/m")],
    summary="Trade a username and password for a bearer token",
)
def create_token(request, payload: TokenIn):
    token, raw = token_issue(
        request=request, username=payload.username, password=payload.password, name=payload.name
    )
    return Status(201, TokenOut(token=raw, prefix=token.prefix, created_at=token.created_at))


@router.delete("/token", auth=bearer, response={204: None}, summary="Revoke the token in use")
def delete_token(request):
    if getattr(request, "api_token", None) is None:
        raise Invalid(_("Only a bearer token can revoke itself."))
    token_revoke(token=request.api_token)
    return Status(204, None)
