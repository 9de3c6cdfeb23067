"""/health/live and /health/ready: what they check, and that readiness fails (503) when a
migration is missing, the cache is down or no task worker was seen."""

import pytest
from django.core.cache import cache
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from valuecurve import heartbeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_live_answers_without_signing_in(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_database_migrations_and_cache_are_fine(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }


@pytest.mark.django_db
def test_not_ready_when_a_migration_is_missing(client):
    latest = MigrationRecorder.Migration.objects.filter(app="reports").order_by("-id").first()
    latest.delete()  # the database no longer has it: as if the deploy skipped `migrate`
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed"
    assert response.json()["status"] == "failed"


@pytest.mark.django_db
def test_not_ready_when_the_cache_is_unreachable(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "failed",
    }


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_with_database_tasks_ready_only_once_a_worker_was_seen(client):
    before = client.get("/health/ready")
    assert before.status_code == 503
    assert before.json()["checks"]["worker"] == "failed"
    heartbeat.worker_beat()
    after = client.get("/health/ready")
    assert after.status_code == 200
    assert after.json()["checks"]["worker"] == "ok"


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, WORKER_STALE_SECONDS=30)
def test_a_worker_not_seen_for_too_long_is_failed(client, monkeypatch):
    heartbeat.worker_beat()
    now = heartbeat.time.time()
    monkeypatch.setattr(heartbeat.time, "time", lambda: now + 31)
    assert client.get("/health/ready").json()["checks"]["worker"] == "failed"


def test_health_refuses_other_methods(client):
    assert client.post("/health/live").status_code == 405
