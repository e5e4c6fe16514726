"""GET /healthz in-process; tests/e2e starts a real worker and a real unreachable database."""

import pytest


@pytest.mark.django_db
def test_healthy_database_without_a_worker_is_200_degraded(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "worker": "unreachable",
        "worker_clusters": 0,
    }
    assert response["Cache-Control"].startswith("max-age=0")
