"""Benchmark: render posters and reports (PDF) in-process, warm, on a seeded database.

Run from the repository root: `.venv/bin/python bench/documents.py` (`make bench-documents`).
Uses its own scratch SQLite file under /tmp unless DATABASE_URL is set. See bench/README.md.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the shared set-up)

SCRATCH_DB = Path("/tmp/valuecurve-bench-documents.sqlite3")
ACTION_STEPS_FILE = "fixtures/action_steps/value-curve-equity-v1.yaml"
# Targets on the 2-core reference machine.
POSTER_TARGET = 0.5
FIT_TARGET = 0.05  # choosing the poster's text sizes (reports/poster_layout.py)
REPORT_TARGET = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--programs", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10, help="Timed renders of each document.")
    parser.add_argument("--batch", type=int, default=60, help="Posters in the batch.")
    return parser.parse_args()


def prepare(orgs: int, programs: int) -> None:
    from django.core.management import call_command

    run.prepare_database()
    call_command("import_action_steps", ACTION_STEPS_FILE, verbosity=0)
    run.seed(orgs, programs)


def assessments_with_plans(count: int) -> list:
    """`count` submitted assessments, each given its first plan if it has none yet
    (seed_demo writes plans for its first organizations only)."""
    from assessments import services
    from assessments.models import Assessment
    from assessments.plans import plan_create

    chosen = list(
        Assessment.objects.submitted()
        .select_related("program__organization", "framework")
        .order_by("program__organization__name", "program__name", "cycle__starts_on")[:count]
    )
    for assessment in chosen:
        dimensions = services.framework_dimensions(assessment.framework)
        answers = services.answers_by_indicator(assessment)
        profile = services.assessment_profile(assessment, dimensions, answers)
        plan_create(assessment=assessment, profile=profile, by=None)
    return chosen


def timed(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """One warm-up, then (median, min, max) seconds of `runs` calls."""
    action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings), max(timings)


def first_call_seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def batch_seconds(assessments: list, today) -> tuple[float, int]:
    from reports import documents

    size = documents.poster_sizes()["tabloid"]
    start = time.perf_counter()
    posters = documents.poster_batch(
        assessments, size=size, today=today, disparity=[True] * len(assessments)
    )
    total = sum(len(p) for p in posters)
    return time.perf_counter() - start, total


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<44} {seconds:8.3f} s  {note}")


def main() -> None:
    args = parse_args()
    run.SCRATCH_DB = SCRATCH_DB  # not the page benchmark's file: both can run
    database = run.configure_environment()
    import django

    django.setup()
    from django.utils import timezone

    from reports import documents

    prepare(args.orgs, args.programs)
    chosen = assessments_with_plans(args.batch)
    if not chosen:
        sys.exit("No submitted assessments to render: seed_demo made none.")
    today = timezone.localdate()
    tabloid = documents.poster_sizes()["tabloid"]
    a3 = documents.poster_sizes()["a3"]
    one = chosen[0]

    def poster() -> bytes:
        return documents.poster_pdf(one, size=tabloid, today=today, disparity=True)

    def poster_a3() -> bytes:
        return documents.poster_pdf(one, size=a3, today=today, disparity=True)

    def poster_context() -> dict:
        return documents.poster_context(one, size=tabloid, today=today, disparity=True)

    def report() -> bytes:
        return documents.report_pdf(one, spread={}, today=today)

    print(f"\nValue Curve documents benchmark  ({run._safe(database)})")
    print(f"Data: {run.data_counts()}\n")
    line("first poster (loads fonts)", first_call_seconds(poster))
    report_timings("poster, 11 x 17 in", timed(poster, args.runs), args.runs, POSTER_TARGET)
    report_timings("poster, A3", timed(poster_a3, args.runs), args.runs, POSTER_TARGET)
    report_timings(
        "poster context (queries, sizes, chart cached)",
        timed(poster_context, args.runs),
        args.runs,
        FIT_TARGET * 4,
    )
    report_timings("report", timed(report, args.runs), args.runs, REPORT_TARGET)
    seconds, size = batch_seconds(chosen, today)
    per = seconds / len(chosen)
    line(f"batch of {len(chosen)} posters", seconds, f"{per:.3f} s each, {size / 1e6:.1f} MB")


def report_timings(label: str, result: tuple[float, float, float], runs: int, target: float):
    median, low, high = result
    verdict = "ok" if median <= target else "OVER TARGET"
    note = f"median of {runs} (min {low:.3f}, max {high:.3f}); target <= {target} s: {verdict}"
    line(label, median, note)


if __name__ == "__main__":
    main()
