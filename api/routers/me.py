"""GET /me: who the caller is and which roles they hold."""

from ninja import Router, Schema

from timecredits.members.selectors import member_for_user, user_roles

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
