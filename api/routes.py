"""Routes made once for the shapes several routers share: `create_route` (POST under what the
path names), `action_route` (POST, with no body, to act on what the path names), `delete_route`
(DELETE what the path names) and `path_view`, which lets one view serve paths that name
different ids."""

import inspect
import re

from ninja import Router

PATH_ID = re.compile(r"{(\w+)}")


def path_view(path: str, view, **params):
    """`view(request, **arguments)`, signed as ninja reads a route's parameters: the ids `path`
    names (each an int), then `params` (name: annotation). Returns the view."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    view.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(name, keyword, annotation=int) for name in PATH_ID.findall(path)),
            *(inspect.Parameter(name, keyword, annotation=kind) for name, kind in params.items()),
        ]
    )
    return view


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
        payload = arguments.pop(body_name)
        return use_case(actor=request.auth, **arguments, **payload.dict())

    route = router.post(path, response={201: response}, summary=summary, operation_id=operation_id)
    return route(path_view(path, create, **{body_name: body}))


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
