"""The OpenAPI document and the interactive docs."""

import pytest

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
