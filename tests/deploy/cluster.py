"""Two app servers (gunicorn, 2 workers x 2 threads each) and two `db_worker` processes on
this machine's PostgreSQL and Redis, for the two-server test and `make bench-load`.

The database is a fresh one, created here and dropped at the end; Redis uses its own db
number, flushed before and after; files go to a temporary MEDIA_ROOT both servers share.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("DEPLOY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("DEPLOY_TEST_REDIS", "redis://127.0.0.1:6379/13")
PASSWORD = "a-long-load-test-password-42"

SETUP = """
from datetime import date
from pathlib import Path
from django.contrib.auth import get_user_model
from django.test import Client
from assessments.framework_io import framework_create, parse_framework
from assessments.models import Cycle, Membership, Organization, Program, Role
from assessments.services import assessment_start
org = Organization.objects.create(name="Two Servers County", sector="public")
framework = None
if {drafts}:
    framework = framework_create(parse_framework(Path("{framework}").read_text(encoding="utf-8")))
    cycle = Cycle.objects.create(
        organization=org, name="2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
for n in range({users}):
    user = get_user_model().objects.create_user(
        username=f"user{{n}}", email=f"user{{n}}@example.org", password="{password}"
    )
    Membership.objects.create(user=user, organization=org, role=Role.LEADER)
    if framework:
        program = Program.objects.create(organization=org, name=f"Program {{n}}")
        draft = assessment_start(program=program, cycle=cycle, framework=framework, by=user)
        signed_in = Client()
        signed_in.force_login(user)
        print("draft", user.username, draft.pk, signed_in.cookies["sessionid"].value)
print(org.pk)
"""
FRAMEWORK = ROOT / "fixtures/frameworks/value-curve-equity-v1.yaml"


def missing_service() -> str | None:
    """Why the cluster cannot start here, or None."""
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {POSTGRES}: {exc}"
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {REDIS}: {exc}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer 200 in {seconds} s")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Cluster:
    def __init__(self, servers: list[str], organization_id: str, env: dict, database: str):
        self.servers = servers
        self.organization_id = organization_id
        self.env = env
        self.database = database
        # [username, draft assessment id, session key of a session signed in as them]
        self.drafts: list[list[str]] = []

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(f"{POSTGRES}/{self.database}") as conn:
            return conn.execute(query, params).fetchall()


@contextmanager
def cluster(users: int = 1, drafts: bool = False, app_workers: int = 2, threads: int = 2):
    """Start everything, yield a Cluster, stop and clean up everything."""
    database = f"valuecurve_deploy_{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="valuecurve-media-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env |= {
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS,
        "MEDIA_ROOT": media,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "SIGNIN_FAILURE_LIMIT": "1000",
    }
    flush = redis.Redis.from_url(REDIS)
    flush.flushdb()
    _admin(f'CREATE DATABASE "{database}"')
    processes: list[subprocess.Popen] = []
    try:
        manage = [str(BIN / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=900)
        script = SETUP.format(users=users, password=PASSWORD, drafts=drafts, framework=FRAMEWORK)
        made = subprocess.run(
            [*manage, "shell", "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
            capture_output=True,
            text=True,
        )
        lines = made.stdout.strip().splitlines()
        organization_id = lines[-1]
        drafts_made = [line.split()[1:] for line in lines if line.startswith("draft ")]
        servers = []
        for _ in range(2):
            port = free_port()
            command = [str(BIN / "gunicorn"), "valuecurve.wsgi", f"--bind=127.0.0.1:{port}"]
            command += [
                f"--workers={app_workers}",
                f"--threads={threads}",
                "--timeout=60",
                # Longer than a client (or a proxy in front) keeps an idle connection: with
                # gunicorn's 2 s default, a connection reused after a pause is reset.
                "--keep-alive=75",
                "--graceful-timeout=3",
                "--preload",
            ]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env))
            servers.append(f"http://127.0.0.1:{port}")
        for n in (1, 2):
            # --no-reload: with DEBUG on, each worker would otherwise poll every loaded module
            # for changes, a core's share of work on a machine this size.
            worker = [*manage, "db_worker", "--interval=0.2", "--no-reload"]
            worker.append(f"--worker-id=worker-{n}")
            processes.append(subprocess.Popen(worker, cwd=ROOT, env=env))
        for server in servers:
            wait_for(f"{server}/health/ready", seconds=300)
        running = Cluster(servers, organization_id, env, database)
        running.drafts = drafts_made
        yield running
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        flush.flushdb()
        subprocess.run(["rm", "-rf", media], check=False)
