"""Routes made once for the shapes several routers share: `create_route` (POST under what the
path names), `action_route` (POST, with no body, to act on what the path names), `delete_route`
(DELETE what the path names) and `path_view`, which lets one view serve paths that name
different ids. `made_once` makes what a create route makes once per Idempotency-Key."""

import inspect
import re

from ninja import Router
from pydantic import TypeAdapter

from timecredits.forms import sent_once

from .schemas import IdempotencyKey

PATH_ID = re.compile(r"{(\w+)}")
MADE_ONCE = IdempotencyKey("it is made once, and the same answer comes back")


def path_view(path: str, view, *, defaults=None, **params):
    """`view(request, **arguments)`, signed as ninja reads a route's parameters: the ids `path`
    names (each an int), then `params` (name: annotation), with the `defaults` given (name:
    default, e.g. a header). Returns the view."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    defaults = defaults or {}
    view.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(name, keyword, annotation=int) for name in PATH_ID.findall(path)),
            *(
                inspect.Parameter(
                    name,
                    keyword,
                    annotation=kind,
                    default=defaults.get(name, inspect.Parameter.empty),
                )
                for name, kind in params.items()
            ),
        ]
    )
    return view


def made_once(request, scope: str, key: str | None, fields: dict, make, response):
    """A 201 with what `make(fields)` made, rendered as `response`, made once per `key` (the
    request's Idempotency-Key) for this user and `scope`: the same request sent again (a retry
    after a lost answer, a double tap) gets the first answer again, as it was, and nothing is
    made; the same key with other fields is a 409 `idempotency_conflict`. Without a key each
    request makes its own. What is kept is the answer as sent (plain data, never the rows),
    for the day `sent_once` keeps it."""
    schema = TypeAdapter(response)

    def answer(asked):
        return schema.dump_python(schema.validate_python(make(asked), from_attributes=True))

    if key:
        body = sent_once(f"api:{scope}:{request.auth.pk}", {**fields, "token": key}, answer)
    else:
        body = answer(fields)
    from .v1 import api  # the one API renders it, as it renders every answer

    return api.create_response(request, body, status=201)


def create_route(
    router: Router,
    path: str,
    use_case,
    body,
    response,
    summary: str,
    *,
    operation_id: str,
    body_name: str = "payload",
):
    """POST `path`: `use_case` makes the thing, as the request's user, from the ids the path names
    and the fields of the `body`; the answer is 201 with what it made, rendered as `response`.
    `operation_id` names the route in the OpenAPI document, as it was published; `body_name`
    starts an invalid field's path in the error detail (none for "body")."""

    def create(request, **arguments):
        key = arguments.pop("idempotency_key")
        payload = arguments.pop(body_name)
        fields = {**arguments, **payload.dict()}
        return made_once(
            request,
            operation_id,
            key,
            fields,
            lambda asked: use_case(actor=request.auth, **asked),
            response,
        )

    route = router.post(path, response={201: response}, summary=summary, operation_id=operation_id)
    view = path_view(
        path,
        create,
        defaults={"idempotency_key": MADE_ONCE},
        **{body_name: body, "idempotency_key": str | None},
    )
    return route(view)


def action_route(router: Router, path: str, use_case, response, summary: str, *, operation_id):
    """POST `path`, with no body: `use_case` acts on what the ids the path names name, as the
    request's user; the answer is 200 with what it gives, rendered as `response`."""

    def act(request, **ids):
        return use_case(actor=request.auth, **ids)

    route = router.post(path, response=response, summary=summary, operation_id=operation_id)
    return route(path_view(path, act))


def delete_route(router: Router, path: str, use_case, summary: str, *, operation_id: str):
    """DELETE `path`: `use_case` removes what the ids the path names name, as the request's
    user; the answer is 204. `operation_id` names the route in the OpenAPI document."""

    def delete(request, **ids):
        use_case(actor=request.auth, **ids)

    route = router.delete(path, response={204: None}, summary=summary, operation_id=operation_id)
    return route(path_view(path, delete))
