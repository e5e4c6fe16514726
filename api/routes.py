"""The route that creates something under what its path names, made once for every router that
has one (`POST /programmes/{programme_id}/proxy-values` and its kind)."""

import inspect
import re

from ninja import Router

PATH_ID = re.compile(r"{(\w+)}")


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
    (each an int) and the fields of the `body`; the answer is 201 with what it made, rendered as
    `response`. `operation_id` names the route in the OpenAPI document, as it was published;
    `body_name` starts an invalid field's path in the error detail (none for "body")."""

    def create(request, **arguments):
        payload = arguments.pop(body_name)
        return use_case(actor=request.auth, **arguments, **payload.dict())

    # ninja reads a route's parameters from its view's signature: the path's ids, then the body.
    keyword = inspect.Parameter.KEYWORD_ONLY
    create.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(name, keyword, annotation=int) for name in PATH_ID.findall(path)),
            inspect.Parameter(body_name, keyword, annotation=body),
        ]
    )
    route = router.post(path, response={201: response}, summary=summary, operation_id=operation_id)
    return route(create)
