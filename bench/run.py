"""Benchmark: seed 1,000 organizations x 10 programs, score 10,000 profiles, time three pages.

Run from the repository root: `.venv/bin/python bench/run.py` (what `make bench` does).
Uses a scratch SQLite file under /tmp unless DATABASE_URL is set. See bench/README.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = Path("/tmp/valuecurve-bench.sqlite3")
FRAMEWORK_FILE = "fixtures/frameworks/value-curve-equity-v1.yaml"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--programs", type=int, default=10)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20, help="Requests per page.")
    return parser.parse_args()


def configure_environment() -> str:
    """Set up Django's environment before it is imported; return the database in use."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecurve.settings")
    # The test Client calls itself "testserver", which the development default does not allow.
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    if not os.environ.get("DATABASE_URL"):
        # A fresh file each run, so the seed is timed from empty.
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SCRATCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH_DB}"
    return os.environ["DATABASE_URL"]


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


# --- Steps (Django is set up by then) ---------------------------------------------------------


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("import_framework", FRAMEWORK_FILE, skip_existing=True)


def seed(orgs: int, programs: int) -> float | None:
    """Seconds taken by seed_demo, or None when the database already had the demo."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if get_user_model().objects.filter(username="leader").exists():
        print("Demo data already in this database: seeding skipped, pages timed on it.")
        return None
    start = time.perf_counter()
    call_command("seed_demo", orgs=orgs, programs=programs)
    return time.perf_counter() - start


def scoring_profiles(count: int) -> tuple[dict[str, list[str]], list[dict]]:
    """The framework's real structure, and `count` answer sets drawn at random."""
    from assessments import scoring
    from assessments.management.commands.seed_demo import FRAMEWORK_SLUG, load_shape
    from assessments.models import Framework

    framework = Framework.objects.filter(slug=FRAMEWORK_SLUG).order_by("-version").first()
    structure = load_shape(framework).structure
    keys = [key for indicator_keys in structure.values() for key in indicator_keys]
    rng = random.Random(2026)
    choices = (-1, 0, 1, 2, 2, 3, 3, 4, None)
    profiles = [
        {k: scoring.AnswerInput(rng.choice(choices), rng.choice(("", "Minutes"))) for k in keys}
        for _ in range(count)
    ]
    return structure, profiles


def bench_scoring(count: int) -> tuple[float, int]:
    from assessments.scoring import score_profile

    structure, profiles = scoring_profiles(count)
    indicators = sum(len(keys) for keys in structure.values())

    def score_all() -> None:
        for answers in profiles:
            score_profile(structure, answers)

    return median_seconds(score_all, runs=5), indicators


@dataclass(frozen=True)
class PageResult:
    label: str
    path: str
    median_ms: float | None
    queries: int | None
    status: str


def page_targets() -> list[tuple[str, str]]:
    """Home, a program of the leader's with two cycles, and its latest submitted results."""
    from django.urls import reverse

    from assessments.models import Assessment

    latest = (
        Assessment.objects.submitted()
        .filter(program__organization__memberships__user__username="leader", cycle__name="2026")
        .order_by("program__name")
        .first()
    )
    targets = [("Home", reverse("assessments:home"))]
    if latest is not None:
        targets.append(("Program", reverse("assessments:program", args=[latest.program_id])))
        targets.append(("Results", reverse("reports:results", args=[latest.pk])))
    return targets


def time_page(client, label: str, path: str, requests: int) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        response = client.get(path)  # warm-up: template loading, first-use imports
        timings, queries = [], 0
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - start)
            queries = len(captured.captured_queries)
    except Exception as exc:  # a page still being written must not stop the benchmark
        return PageResult(label, path, None, None, f"{type(exc).__name__}: {exc}")
    median_ms = statistics.median(timings) * 1000
    return PageResult(label, path, median_ms, queries, str(response.status_code))


def bench_pages(requests: int) -> list[PageResult]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="leader"))
    return [time_page(client, label, path, requests) for label, path in page_targets()]


# --- Report -------------------------------------------------------------------------------------


def data_counts() -> str:
    from assessments.models import Answer, Assessment, Organization, Program

    return (
        f"{Organization.objects.count():,} organizations, {Program.objects.count():,} programs, "
        f"{Assessment.objects.count():,} assessments, {Answer.objects.count():,} answers"
    )


def report(
    database: str,
    seed_seconds: float | None,
    args: argparse.Namespace,
    scoring_result: tuple[float, int],
    pages: list[PageResult],
) -> None:
    from django.conf import settings
    from django.db import connection

    print(
        f"\nValue Curve benchmark  ({connection.vendor}: {_safe(database)}, DEBUG={settings.DEBUG})"
    )
    print(f"Data: {data_counts()}\n")
    report_timings(seed_seconds, args, scoring_result)
    report_pages(pages, args.requests)


def report_timings(
    seed_seconds: float | None, args: argparse.Namespace, scoring_result: tuple[float, int]
) -> None:
    score_seconds, indicators = scoring_result
    seeded = f"{seed_seconds:8.1f} s" if seed_seconds is not None else "  (skipped)"
    seed_label = f"seed_demo --orgs {args.orgs} --programs {args.programs}"
    score_label = f"score_profile x {args.profiles:,} ({indicators} indicators)"
    print(f"  {seed_label:<48} {seeded}")
    print(f"  {score_label:<48} {score_seconds:8.3f} s  median of 5 runs")
    print(f"  {'  per profile':<48} {score_seconds / args.profiles * 1e6:8.0f} us\n")


def report_pages(pages: list[PageResult], requests: int) -> None:
    print(f"  {'Page (GET as leader)':<22} {'median ms':>10} {'queries':>8}  {'status':<7} path")
    for page in pages:
        ms = f"{page.median_ms:10.1f}" if page.median_ms is not None else f"{'-':>10}"
        queries = f"{page.queries:8d}" if page.queries is not None else f"{'-':>8}"
        print(f"  {page.label:<22} {ms} {queries}  {page.status:<7} {page.path}")
    print(f"\n  Pages: median of {requests} requests each, after one warm-up request.")


def _safe(database: str) -> str:
    """The database URL without a password."""
    if "@" not in database or "://" not in database:
        return database
    scheme, rest = database.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"


def main() -> None:
    args = parse_args()
    database = configure_environment()
    import django

    django.setup()
    prepare_database()
    seed_seconds = seed(args.orgs, args.programs)
    scoring_result = bench_scoring(args.profiles)
    pages = bench_pages(args.requests)
    report(database, seed_seconds, args, scoring_result, pages)


if __name__ == "__main__":
    main()
