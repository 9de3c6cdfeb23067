"""Benchmark: the facilitator's dashboard and exports for a cohort of 1,000 organizations.

Seeds `seed_demo --orgs 1000 --programs 10 --cycles 3` (the demo cohort takes every
organization), then times in-process requests through the whole middleware stack:
- the dashboard, cached (the usual case: the cache is dropped only when a member submits,
  reopens or changes its consent) and cold (cache cleared before each request);
- the dashboard filtered by region, cold;
- the XLSX and CSV exports of the levels table, and the scorecard page.

Run from the repository root: `.venv/bin/python bench/cohorts.py` (what `make bench-cohorts`
does). A scratch SQLite file under /tmp unless DATABASE_URL is set (use an empty database).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import configure_environment, prepare_database  # noqa: E402

SCRATCH_DB = Path("/tmp/valuecurve-bench-cohorts.sqlite3")
TARGET_CACHED_MS = 50
TARGET_COLD_MS = 300
TARGET_XLSX_S = 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--programs", type=int, default=10)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20)
    return parser.parse_args()


def timed(client, url: str, runs: int, before=None) -> list[float]:
    timings = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def report(label: str, timings: list[float], unit: str = "ms") -> float:
    scale = 1000 if unit == "ms" else 1
    median = statistics.median(timings) * scale
    low, high = min(timings) * scale, max(timings) * scale
    print(
        f"  {label:<44} median {median:8.1f} {unit}  "
        f"(min {low:.1f}, max {high:.1f}, n={len(timings)})"
    )
    return median


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SCRATCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH_DB}"
    database = configure_environment()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from cohorts.models import Cohort

    print(f"Database: {database.split('@')[-1]}")
    prepare_database()
    if not get_user_model().objects.filter(username="leader").exists():
        start = time.perf_counter()
        call_command(
            "seed_demo", orgs=args.orgs, programs=args.programs, cycles=args.cycles, verbosity=0
        )
        print(f"Seeded in {time.perf_counter() - start:.1f} s")
    cohort = Cohort.objects.get()
    members = cohort.members.sharing().count()
    client = Client()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    dashboard = reverse("cohorts:dashboard", args=[cohort.pk])
    region = cohort.members.sharing().values_list("organization__region", flat=True).first()
    print(
        f"Cohort: {members:,} organizations sharing, {args.programs} programs each, "
        f"{args.cycles} cycles"
    )
    cache.clear()
    first = timed(client, dashboard, 1)
    warm = timed(client, dashboard, args.requests)
    cold = timed(client, dashboard, max(3, args.requests // 4), before=cache.clear)
    filtered = timed(client, f"{dashboard}?region={region}", 5, before=cache.clear)
    regions = list(
        cohort.members.sharing().values_list("organization__region", flat=True).distinct()[:20]
    )
    timed(client, dashboard, 1)  # the cycles' frames cached, as after any first visit
    new_filter = [timed(client, f"{dashboard}?region={r}", 1)[0] for r in regions]
    page_two = timed(client, f"{dashboard}?page=2", args.requests)
    xlsx = timed(client, reverse("cohorts:export", args=[cohort.pk, "levels", "xlsx"]), 3)
    csv = timed(client, reverse("cohorts:export", args=[cohort.pk, "levels", "csv"]), 3)
    scorecard = timed(client, reverse("cohorts:scorecard", args=[cohort.pk]), 5)
    print("Server time per request (in-process, whole middleware stack):")
    report("dashboard, first request (empty cache)", first)
    warm_ms = report("dashboard, cached", warm)
    cold_ms = report("dashboard, cold (cache cleared each time)", cold)
    report("dashboard filtered by region, cold", filtered)
    report("dashboard, a region not asked before", new_filter)
    report("dashboard page 2, cached", page_two)
    xlsx_s = report("XLSX export of the levels (4 sheets and the data dictionary)", xlsx, unit="s")
    report("CSV export of the levels", csv, unit="s")
    report("scorecard", scorecard)
    met = warm_ms <= TARGET_CACHED_MS and cold_ms <= TARGET_COLD_MS and xlsx_s <= TARGET_XLSX_S
    print(
        f"Targets (dashboard cached <= {TARGET_CACHED_MS} ms, cold <= {TARGET_COLD_MS} ms, "
        f"XLSX <= {TARGET_XLSX_S} s): {'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
