"""The OpenAPI document and the interactive docs."""

import typing
from collections import defaultdict

import pytest
from pydantic import BaseModel

pytestmark = pytest.mark.django_db


def test_openapi_document_is_openapi_3_with_our_paths(api_client):
    response = api_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/auth/token", "/api/v1/me"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_docs_page_is_served(api_client):
    response = api_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def _schema_classes(api):
    """Every pydantic model an operation takes or answers with, nested ones included."""
    seen = set()

    def walk(annotation):
        for arg in typing.get_args(annotation):
            walk(arg)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for field in annotation.model_fields.values():
                walk(field.annotation)

    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    walk(model)
                for model in operation.response_models.values():
                    walk(model)
    return seen


def test_no_two_schemas_share_a_name():
    # django-ninja names a component after its class and silently keeps only one of two
    # classes with the same name, documenting an operation with another's schema.
    from api.v1 import api

    by_name = defaultdict(set)
    for cls in _schema_classes(api):
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")

    assert {name: sorted(c) for name, c in by_name.items() if len(c) > 1} == {}


def test_my_transfers_are_documented_with_their_own_schema(api_client):
    document = api_client.get("/api/v1/openapi.json").json()

    ok = document["paths"]["/api/v1/me/transfers"]["get"]["responses"]["200"]
    name = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][name]["properties"]) == {
        "balance",
        "items",
        "next_before",
    }


def test_every_operation_documents_its_errors_in_the_one_shape(api_client):
    document = api_client.get("/api/v1/openapi.json").json()
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]

    missing = {name: sorted({"401", "422"} - set(op["responses"])) for name, op in operations}
    not_the_shape = [
        (name, status)
        for name, op in operations
        for status, response in op["responses"].items()
        if int(status) >= 400
        and response["content"]["application/json"]["schema"]
        != {"$ref": "#/components/schemas/ErrorOut"}
    ]

    assert len(operations) > 70
    assert {name: codes for name, codes in missing.items() if codes} == {}
    assert not_the_shape == []
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["error"]
    assert document["components"]["schemas"]["ErrorDetail"]["required"] == [
        "code",
        "message",
        "detail",
    ]
