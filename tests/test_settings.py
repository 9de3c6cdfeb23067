"""Production settings pass Django's deployment checks; bad values fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from valuecurve.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq-a-long-random-production-secret-used-only-in-this-test-91f3b2c8e6",
    "ALLOWED_HOSTS": "valuecurve.example.org",
    "DATABASE_URL": "sqlite:////tmp/valuecurve-check-deploy.sqlite3",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_no_errors_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "ERROR", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_fails_without_a_real_mail_server():
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_HOST"}
    result = manage("check", "--deploy", "--fail-level", "ERROR", **env)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/about/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_a_request_body_far_too_large_is_refused_before_it_is_read(client, leader):
    client.force_login(leader)
    response = client.generic(
        "POST", "/", data=b"x", CONTENT_TYPE="text/csv", CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "at most 3 MB" in response.content.decode()


def test_a_request_too_large_is_refused_in_the_language_it_asks_for(client):
    with translation.override("es"):  # the language the thread last served
        response = client.generic(
            "POST", "/", data=b"x", CONTENT_LENGTH=str(50 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "at most 3 MB" in response.content.decode()
    response = client.generic(
        "POST", "/", data=b"x", CONTENT_LENGTH=str(50 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 413
    assert "3 MB" in response.content.decode()
    assert "at most" not in response.content.decode()


def test_the_icon_browsers_ask_for_by_default_is_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == "/static/favicon.svg"


SHOW_SHARED = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.STORAGES['default']['BACKEND'])"
)


def test_redis_and_s3_variables_share_the_cache_sessions_and_files_between_servers():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_SHARED,
        REDIS_URL="redis://cache.internal:6379/2",
        S3_BUCKET="valuecurve-files",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "storages.backends.s3.S3Storage",
    ]


def test_without_redis_each_process_keeps_its_own_cache_and_files_stay_on_disk():
    result = manage("shell", "--no-imports", "-c", SHOW_SHARED, REDIS_URL="", S3_BUCKET="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "django.core.files.storage.FileSystemStorage",
    ]


def _databases(monkeypatch, url: str) -> dict:
    import runpy

    monkeypatch.setenv("DATABASE_URL", url)
    return runpy.run_path(str(ROOT / "valuecurve/settings.py"))["DATABASES"]["default"]


def test_the_embedded_sqlite_runs_in_wal_mode_and_waits_for_a_writer(monkeypatch, tmp_path):
    options = _databases(monkeypatch, f"sqlite:///{tmp_path / 'db.sqlite3'}")["OPTIONS"]
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20


def test_postgresql_gets_no_sqlite_options(monkeypatch):
    database = _databases(monkeypatch, "postgres://u@127.0.0.1:5432/x")
    assert "init_command" not in database.get("OPTIONS", {})


def test_a_sqlite_file_opened_by_the_app_is_in_wal_mode(tmp_path):
    # The pragma as Django's connection runs it, on a real file (tests use an in-memory one).
    run = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection; c = connection.cursor(); "
            "print(c.execute('PRAGMA journal_mode').fetchone()[0])",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.strip().splitlines()[-1] == "wal", run.stderr


def test_the_benchmarks_floor_page_and_cold_header_are_not_in_the_app(client, settings):
    # Only bench/settings.py (make bench-http) serves them.
    assert settings.ROOT_URLCONF == "valuecurve.urls"
    assert not any(m.startswith("bench.") for m in settings.MIDDLEWARE)
    assert client.get("/bench/floor/").status_code == 404
