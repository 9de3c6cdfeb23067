"""Health endpoints for a load balancer or an orchestrator.

/health/live: the process answers. /health/ready: the database answers, every migration is
applied, the cache answers and, with the database task backend, a worker was seen recently.
The body names each check and says ok or failed, nothing more.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from valuecurve.heartbeat import worker_seen_recently

DB_TASK_BACKEND = "django_tasks_db.DatabaseBackend"


def database_ok() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations_ok() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def cache_ok() -> bool:
    key, value = f"health:probe:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    ok = cache.get(key) == value
    cache.delete(key)
    return ok


def uses_task_workers() -> bool:
    return settings.TASKS["default"]["BACKEND"] == DB_TASK_BACKEND


def readiness_checks() -> dict:
    checks = {"database": database_ok, "migrations": migrations_ok, "cache": cache_ok}
    if uses_task_workers():
        checks["worker"] = worker_seen_recently
    return checks


def _run(check) -> bool:
    try:
        return bool(check())
    except Exception:  # any failure is "failed"; its details stay in the server's log
        return False


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = readiness_checks()
    results = {name: "ok" if _run(check) else "failed" for name, check in checks.items()}
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": results},
        status=200 if healthy else 503,
    )
