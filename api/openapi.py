"""The OpenAPI document's error responses: every operation lists the statuses it can answer with
besides success, each with the one error shape (the `ErrorOut` component).

django-ninja documents only the responses a view declares, and every view declares only its
success; the errors come from api.errors for any operation, so they are added here, once.
"""

from ninja import NinjaAPI

from .schemas import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "Not signed in: no session, no valid bearer token, or wrong credentials.",
    403: "Signed in, but not allowed to do this.",
    404: "Something the request names does not exist or is not visible to you.",
    409: "It clashes with the current state (for example, not enough credit).",
    413: "The request body is too large.",
    422: "Some input is missing or not valid; `detail` says which.",
    429: "Too many requests; try again later.",
}


def error_statuses(method: str, operation: dict) -> list[int]:
    """The error statuses an operation can answer with, from what the document says of it."""
    # 401 everywhere: signing in itself answers it for wrong credentials.
    statuses = [401, 403, 404, 422, 429]
    if method != "get":
        statuses.append(409)
    if "requestBody" in operation:
        statuses += [400, 413]
    return sorted(statuses)


def add_error_responses(document: dict) -> dict:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorOut"] = error_schema
    for path_item in document["paths"].values():
        for method, operation in path_item.items():
            responses = operation["responses"]
            for status in error_statuses(method, operation):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return document


class DocumentedErrorsAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return add_error_responses(document)
