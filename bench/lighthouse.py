"""Lighthouse: the main pages of each role, served as in production, scored for performance,
accessibility and best practices.

Run from the repository root: `.venv/bin/python bench/lighthouse.py` (`make lighthouse`). It
seeds its own scratch SQLite file under /tmp, collects the static files with the production
storage (hashed, compressed), serves the app with gunicorn and DEBUG off (WhiteNoise serving the
static files), signs in as each demo role and passes that session's cookie to Lighthouse (npm
`lighthouse`, desktop preset) driving the system Chromium. Targets: accessibility 100, best
practices 100, performance >= 95. See bench/README.md.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Scratch files named after the checkout, so that two checkouts can run it at once.
SCRATCH = f"/tmp/valuecurve-lighthouse-{ROOT.name}"
SCRATCH_DB = Path(f"{SCRATCH}.sqlite3")
STATIC_ROOT = Path(f"{SCRATCH}-static")
REPORTS = Path(SCRATCH)
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FRAMEWORK_FILE = "fixtures/frameworks/value-curve-equity-v1.yaml"
ACTION_STEPS_FILE = "fixtures/action_steps/value-curve-equity-v1.yaml"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=14, help="Demo organizations to seed.")
    parser.add_argument("--port", type=int, default=0, help="Port to serve on (0: a free one).")
    parser.add_argument("--only", default="", help="Only pages whose role or name has this.")
    return parser.parse_args()


def production_environment(port: int) -> dict[str, str]:
    """What a deployment sets, on plain HTTP on this machine (no TLS in front)."""
    return {
        "DJANGO_SETTINGS_MODULE": "valuecurve.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{SCRATCH_DB}",
        "STATIC_ROOT": str(STATIC_ROOT),
        "LOG_LEVEL": "WARNING",
    }


def prepare(orgs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{SCRATCH_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("import_framework", FRAMEWORK_FILE, skip_existing=True, verbosity=0)
    call_command("import_action_steps", ACTION_STEPS_FILE, verbosity=0)
    if not get_user_model().objects.filter(username="leader").exists():
        call_command("seed_demo", orgs=orgs, verbosity=0)
    print("Collecting static files (hashed and compressed)...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def pages() -> list[tuple[str, str, str]]:
    """(role, page name, path) for the main pages of each demo role."""
    from django.urls import reverse

    from assessments.models import Assessment, Program
    from cohorts.models import Cohort
    from outcomes.models import OutcomeMeasure

    program = Program.objects.filter(organization__memberships__user__username="leader").first()
    org = program.organization
    submitted = Assessment.objects.filter(program__organization=org, status="submitted")
    latest = submitted.latest("submitted_at")
    draft = Assessment.objects.filter(program__organization=org, status="draft").first()
    measure = OutcomeMeasure.objects.filter(program__organization=org, counts__isnull=False)
    measure = measure.distinct().first()
    cohort = Cohort.objects.first()
    first_dimension = latest.framework.dimensions.order_by("order").first().key
    found = [
        ("leader", "home", reverse("assessments:home")),
        ("leader", "program", reverse("assessments:program", args=[program.pk])),
        ("leader", "results", reverse("reports:results", args=[latest.pk])),
        ("leader", "plan", reverse("assessments:plan", args=[latest.pk])),
        ("leader", "organization scorecard", reverse("scorecards:organization", args=[org.pk])),
        ("leader", "members", reverse("assessments:members", args=[org.pk])),
    ]
    if measure:
        found.append(("leader", "measure", reverse("outcomes:measure", args=[measure.pk])))
    if draft:
        answer = reverse("assessments:dimension", args=[draft.pk, first_dimension])
        found.append(("contributor", "answering", answer))
    found += [
        ("contributor", "home", reverse("assessments:home")),
        ("viewer", "results", reverse("reports:results", args=[latest.pk])),
        ("viewer", "outcomes", reverse("outcomes:program_outcomes", args=[program.pk])),
        ("facilitator", "cohort dashboard", reverse("cohorts:dashboard", args=[cohort.pk])),
        ("facilitator", "cohort members", reverse("cohorts:members", args=[cohort.pk])),
        ("facilitator", "cohort scorecard", reverse("cohorts:scorecard", args=[cohort.pk])),
        ("admin", "home", reverse("assessments:home")),
        ("admin", "about", reverse("about")),
    ]
    return found


def session_cookie(username: str) -> str:
    """A signed-in session of the demo user, made in the database the server reads."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int, env: dict[str, str], options: tuple[str, ...] = ()) -> subprocess.Popen:
    gunicorn = ROOT / ".venv/bin/gunicorn"
    # Two workers, each with the app loaded and its URLs imported before Lighthouse starts
    # (the first request imports scipy and WeasyPrint), so no page is timed cold.
    command = [str(gunicorn), "valuecurve.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    command += ["--preload", "--timeout", "300", *options]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | env)
    deadline = time.monotonic() + 300
    answered = 0
    while answered < 4 and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/about/", timeout=300)  # noqa: S310
            answered += 1
        except OSError:
            time.sleep(0.5)
    if answered < 4:
        server.terminate()
        raise SystemExit("gunicorn did not answer within 5 minutes")
    return server


def lighthouse(url: str, cookie: str, report: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--preset=desktop",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    for attempt in (1, 2):  # a trace now and then comes back broken (NO_NAVSTART): once more
        run = subprocess.run(command, cwd=ROOT, env=env, timeout=300)
        if run.returncode == 0:
            return json.loads(report.read_text(encoding="utf-8"))
        print(f"Lighthouse failed on {url} (attempt {attempt})", flush=True)
    return {}


def failing_audits(result: dict, category: str) -> list[str]:
    audits = result["audits"]
    refs = result["categories"][category]["auditRefs"]
    failing = []
    for ref in refs:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            failing.append(f"{ref['id']} ({audit.get('displayValue') or audit['score']})")
    return failing


def main() -> int:
    args = parse_args()
    # Stopped from outside: still stop the server (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not LIGHTHOUSE.exists():
        raise SystemExit("npm's lighthouse is missing: run `npm ci` (make setup)")
    port = args.port or free_port()
    env = production_environment(port)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    prepare(args.orgs)
    chosen = [p for p in pages() if args.only in p[0] or args.only in p[1]]
    cookies = {role: session_cookie(role) for role in {role for role, _, _ in chosen}}
    REPORTS.mkdir(exist_ok=True)
    server = serve(port, env)
    rows, misses = [], []
    try:
        for role, name, path in chosen:
            report = REPORTS / f"{role}-{name.replace(' ', '-')}.json"
            result = lighthouse(f"http://127.0.0.1:{port}{path}", cookies[role], report)
            if not result:
                misses.append(f"{role} {name}: Lighthouse failed twice")
                continue
            if (
                result.get("finalDisplayedUrl", "").split("?")[0]
                != f"http://127.0.0.1:{port}{path}"
            ):
                misses.append(f"{role} {name}: ended on {result.get('finalDisplayedUrl')}")
            scores = {c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES}
            cpu = round(result["environment"]["benchmarkIndex"])
            rows.append((role, name, scores, cpu))
            print(f"{role:12} {name:24} " + "  ".join(f"{scores[c]:3}" for c in CATEGORIES))
            for category in CATEGORIES:
                if scores[category] < TARGETS[category]:
                    misses.append(f"{role} {name}: {category} {scores[category]}")
                    for audit in failing_audits(result, category):
                        misses.append(f"    {audit}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    # Lighthouse's CPU benchmark of the machine during each run: an idle desktop scores about
    # 1,000-2,000; a busy machine less, and its performance scores are then lower too.
    print(f"{'role':12} {'page':24} perf  a11y  best  cpu (reports in {REPORTS})")
    for role, name, scores, cpu in rows:
        cells = "  ".join(f"{scores[c]:4}" for c in CATEGORIES)
        print(f"{role:12} {name:24} {cells}  {cpu:4}")
    if misses:
        print("\nBelow target (performance >= 95, accessibility 100, best practices 100):")
        print("\n".join(misses))
        return 1
    print("\nEvery page meets the targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
