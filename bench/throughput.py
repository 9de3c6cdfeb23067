"""`make bench-http`: each main page's throughput against the floor of a Django page, served as
in production, at 1, 4 and 16 connections.

Run from the repository root: `.venv/bin/python bench/throughput.py`. It seeds a scratch SQLite file
under /tmp (`seed_demo --orgs 14`; with DATABASE_URL set, that database instead: an empty one,
or one that already holds the demo), collects the static files as a deployment does, serves the
app with gunicorn and DEBUG off under bench/settings.py (the app's settings plus the floor page,
`/bench/floor/`: one 50-row query and a small template), and drives it with wrk (Debian's
`wrk`). For each page it prints requests per second as a ratio to the floor's in the same run,
p50 and p95 at each number of connections, and the SQL queries the page makes (counted once
in-process). "cold" rows send X-Bench-Cold, which empties the cache before the request.
"""

import argparse
import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lighthouse import free_port  # noqa: E402

SCRATCH = f"/tmp/valuecurve-http-{ROOT.name}"
SCRATCH_DB = Path(f"{SCRATCH}.sqlite3")
STATIC_ROOT = Path(f"{SCRATCH}-static")
FRAMEWORK_FILE = "fixtures/frameworks/value-curve-equity-v1.yaml"
ACTION_STEPS_FILE = "fixtures/action_steps/value-curve-equity-v1.yaml"
CONNECTIONS = (1, 4, 16)
TARGET_RATIO = 0.3
# wrk prints one line of figures when a run is done (latencies in microseconds).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("FIGURES %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Page:
    name: str
    role: str  # "" for a page read without signing in
    path: str
    cold: bool = False


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=14, help="Demo organizations to seed.")
    parser.add_argument("--seconds", type=int, default=5, help="Length of each wrk run.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker.")
    parser.add_argument("--only", default="", help="Only pages whose name has this.")
    parser.add_argument("--reuse", action="store_true", help="Keep the scratch database.")
    return parser.parse_args()


def environment() -> dict[str, str]:
    """What a deployment sets, on plain HTTP on this machine, with the benchmark's settings."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(STATIC_ROOT),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{SCRATCH_DB}",
    }
    if env["DATABASE_URL"].startswith("postgres"):
        env["DATABASE_CONN_MAX_AGE"] = os.environ.get("DATABASE_CONN_MAX_AGE", "60")
    return env


def prepare(orgs: int, reuse: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if not reuse and not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SCRATCH_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("import_framework", FRAMEWORK_FILE, skip_existing=True, verbosity=0)
    call_command("import_action_steps", ACTION_STEPS_FILE, verbosity=0)
    if not get_user_model().objects.filter(username="leader").exists():
        print(f"Seeding {orgs} demo organizations...", flush=True)
        call_command("seed_demo", orgs=orgs, verbosity=0)
    if not (STATIC_ROOT / "staticfiles.json").exists():
        print("Collecting static files (hashed and compressed)...", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def open_survey(program) -> str:
    """The public answering path of an open survey of the program (made if there is none)."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from surveys.models import ProgramQuestion, Survey

    today = timezone.localdate()
    survey = Survey.objects.filter(program=program).open_on(today).first()
    if survey is None:
        survey = Survey.objects.create(
            program=program, title="How did we do?", opens_on=today, closes_on=today + timedelta(30)
        )
        ProgramQuestion.objects.create(survey=survey, position=1, kind="yes_no", text="Helpful?")
    return reverse("surveys:answer", args=[survey.token])


def pages() -> list[Page]:
    from django.urls import reverse

    from assessments.models import Assessment, Program
    from cohorts.models import Cohort, CohortMember
    from outcomes.models import OutcomeMeasure

    program = Program.objects.filter(organization__memberships__user__username="leader").first()
    org = program.organization
    submitted = Assessment.objects.filter(program__organization=org, status="submitted")
    latest = submitted.latest("submitted_at")
    draft = Assessment.objects.filter(program__organization=org, status="draft").first()
    dimension = latest.framework.dimensions.order_by("order").first().key
    measure = OutcomeMeasure.objects.filter(program__organization=org, counts__isnull=False)
    cohort = Cohort.objects.first()
    member = CohortMember.objects.filter(organization=org, cohort=cohort).first()
    dashboard = reverse("cohorts:dashboard", args=[cohort.pk])
    return [
        Page("floor", "", reverse("bench_floor")),
        Page("home", "leader", reverse("assessments:home")),
        Page("program", "leader", reverse("assessments:program", args=[program.pk])),
        Page("answering", "leader", reverse("assessments:dimension", args=[draft.pk, dimension])),
        Page("review", "leader", reverse("assessments:review", args=[draft.pk])),
        Page("results", "leader", reverse("reports:results", args=[latest.pk])),
        Page("plan", "leader", reverse("assessments:plan", args=[latest.pk])),
        Page("org scorecard", "leader", reverse("scorecards:organization", args=[org.pk])),
        Page("cohort dashboard", "facilitator", dashboard),
        Page("cohort dashboard cold", "facilitator", dashboard, cold=True),
        Page("member benchmark", "leader", reverse("cohorts:membership", args=[member.pk])),
        Page("measure", "leader", reverse("outcomes:measure", args=[measure.distinct()[0].pk])),
        Page("survey answering", "", open_survey(program)),
    ]


def sign_in(username: str):
    """A test Client signed in as the demo user, with a session the server reads too."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def count_queries(page: Page, client) -> int:
    """The SQL queries of one request, in-process, after a first request warmed it up."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page.path)
    if page.cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
    return len(queries)


def serve(port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "valuecurve.wsgi", f"--bind=127.0.0.1:{port}"]
    command += [f"--workers={workers}", f"--threads={threads}", "--preload", "--timeout=120"]
    command += ["--graceful-timeout=5"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=5)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 2 minutes")


def headers(page: Page, cookies: dict[str, str]) -> list[str]:
    found = []
    if page.role:
        found += ["-H", f"Cookie: {cookies[page.role]}"]
    if page.cold:
        found += ["-H", "X-Bench-Cold: 1"]
    return found


def check(url: str, page: Page, cookies: dict[str, str]) -> None:
    """The page answers 200 through the server (a redirect to sign-in would time nothing)."""
    request = urllib.request.Request(url)  # noqa: S310
    if page.role:
        request.add_header("Cookie", cookies[page.role])
    for _ in range(3):  # warm each worker's code path
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            if response.status != 200 or response.url != url:
                raise SystemExit(f"{page.name}: {url} ended on {response.url} ({response.status})")


def wrk(url: str, extra: list[str], connections: int, seconds: int, script: Path) -> dict:
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout=30s"]
    command += ["-s", str(script), *extra, url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(x for x in run.stdout.splitlines() if x.startswith("FIGURES "))
    requests, duration, errors, p50, p95 = (int(x) for x in line.split()[1:])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "rps": requests / (duration / 1e6),
        "errors": errors,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "wrk_cpu": cpu / (duration / 1e6),
    }


def print_table(rows: list[tuple[Page, int, dict[int, dict]]]) -> None:
    floor = next(figures for page, _, figures in rows if page.name == "floor")
    head = "".join(f"   c={c:<2} ratio  req/s   p50   p95" for c in CONNECTIONS)
    print(f"\n{'page':22} {'queries':>7}{head}")
    for page, queries, figures in rows:
        cells = ""
        for c in CONNECTIONS:
            f = figures[c]
            ratio = f["rps"] / floor[c]["rps"]
            cells += f"        {ratio:5.2f} {f['rps']:6.0f} {f['p50']:5.0f} {f['p95']:5.0f}"
        print(f"{page.name:22} {queries:>7}{cells}")
    print("(ratio: the page's requests per second over the floor's; p50 and p95 in ms)")


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-http installs it)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = environment()
    os.environ.update(env)
    os.chdir(ROOT)
    import django

    django.setup()
    prepare(args.orgs, args.reuse)
    chosen = [p for p in pages() if p.name == "floor" or args.only in p.name]
    clients = {role: sign_in(role) for role in {p.role for p in chosen}}
    cookies = {
        role: f"sessionid={c.cookies['sessionid'].value}" for role, c in clients.items() if role
    }
    queries = {p.name: count_queries(p, clients[p.role]) for p in chosen}
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = serve(port, env, args.workers, args.threads)
    rows = []
    wrk_cpu = 0.0
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for page in chosen:
            url = f"http://127.0.0.1:{port}{page.path}"
            check(url, page, cookies)
            figures = {}
            for c in CONNECTIONS:
                figures[c] = wrk(url, headers(page, cookies), c, args.seconds, Path(script.name))
                wrk_cpu = max(wrk_cpu, figures[c]["wrk_cpu"])
                if figures[c]["errors"]:
                    print(f"{page.name}: {figures[c]['errors']} errors at {c} connections")
            print(f"{page.name:22} measured", flush=True)
            rows.append((page, queries[page.name], figures))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        Path(script.name).unlink(missing_ok=True)
    print_table(rows)
    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads; database "
        f"{env['DATABASE_URL'].split('@')[-1]}; wrk used at most {wrk_cpu:.0%} of one core "
        "(the rest of the 2 cores serve the app)"
    )
    below = [p.name for p, _, f in rows if f[4]["rps"] / rows[0][2][4]["rps"] < TARGET_RATIO]
    print(f"Below {TARGET_RATIO}x the floor at 4 connections: {', '.join(below) or 'none'}")
    if os.environ.get("BENCH_HTTP_JSON"):
        Path(os.environ["BENCH_HTTP_JSON"]).write_text(
            json.dumps({p.name: {"queries": q, **{str(c): f[c] for c in f}} for p, q, f in rows})
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
