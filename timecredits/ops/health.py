"""GET /healthz: can this web process reach the database, and is a django-q2 worker alive?"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.status import Stat


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _workers_alive() -> int:
    """Clusters with a heartbeat in the shared cache (django-q2 refreshes it every few seconds)."""
    try:
        return len(Stat.get_all())
    except Exception:
        return 0


@never_cache
@require_GET
def healthz(request):
    database = _database_ok()
    workers = _workers_alive()
    body = {
        "status": "ok" if database and workers else ("degraded" if database else "down"),
        "database": "ok" if database else "unreachable",
        "worker": "ok" if workers else "unreachable",
        "worker_clusters": workers,
    }
    # Only the database decides whether this web process can serve; a missing worker delays
    # background jobs but must not take the site out of a load balancer.
    return JsonResponse(body, status=200 if database else 503)
