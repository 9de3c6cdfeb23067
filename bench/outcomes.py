"""Benchmark: disparity metrics and small-number suppression for a cohort's outcome counts.

Run from the repository root: `.venv/bin/python bench/outcomes.py`. No database: random counts
(fixed seed) for 1,000 programs x 10 periods x 9 groups, one measure per program, go through
`outcomes.metrics.many_measures` and `outcomes.privacy.suppress`. See bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Target on the 2-core reference machine, for all metrics and suppression together.
TARGET = 0.5
# Cells hidden on the default data (seed 6, 1,000 x 10) by the rule before suppression was
# built against an informed attacker: the complement was the smallest other cell, one table
# at a time. Kept to show what the protection costs.
HIDDEN_BEFORE = 11_581
DEFAULTS = {"programs": 1000, "periods": 10, "seed": 6}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    return parser.parse_args()


def random_counts(programs: int, periods: int, seed: int):
    """One measure per program; populations from 0 to 600 (some small, some empty), events
    drawn around a rate of the program's own, shifted by group."""
    import numpy as np
    import pandas as pd

    from outcomes.groups import COMPARED_GROUPS

    rng = np.random.default_rng(seed)
    groups = len(COMPARED_GROUPS)
    shape = (programs, periods, groups)
    population = rng.integers(0, 600, shape) * (rng.random(shape) > 0.05)
    base = rng.uniform(0.05, 0.5, (programs, 1, 1))
    rate = np.clip(base * rng.uniform(0.5, 1.5, (programs, 1, groups)), 0, 1)
    events = rng.binomial(population, np.broadcast_to(rate, shape))
    program, period, group = np.indices(shape).reshape(3, -1)
    counts = pd.DataFrame(
        {
            "measure": program,
            "period": np.array([f"{2016 + p}" for p in range(periods)])[period],
            "group": np.array(COMPARED_GROUPS)[group],
            "population": population.ravel(),
            "events": events.ravel(),
        }
    )
    favorable = pd.Series(rng.random(programs) > 0.5, index=range(programs))
    return counts, favorable


def timed(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """One warm-up, then (median, min, max) seconds of `runs` calls."""
    action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings), max(timings)


def line(label: str, result: tuple[float, float, float], runs: int, target: float | None = None):
    median, low, high = result
    note = f"median of {runs} (min {low:.3f}, max {high:.3f})"
    if target is not None:
        verdict = "ok" if median <= target else "OVER TARGET"
        note += f"; target <= {target} s: {verdict}"
    print(f"  {label:<44} {median:8.3f} s  {note}")


def hidden_line(args: argparse.Namespace, suppressed, rows: int) -> str:
    """How many group rows have a count hidden, against the earlier rule on the default data."""
    hidden = int(suppressed["hidden"].sum())
    line = f"Cells hidden: {hidden:,} of {rows:,} ({hidden / rows:.1%})"
    if all(getattr(args, name) == value for name, value in DEFAULTS.items()):
        change = hidden / HIDDEN_BEFORE - 1
        line += f"; the earlier rule hid {HIDDEN_BEFORE:,} ({change:+.1%})"
    populations = int(suppressed["population_hidden"].sum())
    return line + f"; populations hidden: {populations:,}"


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecurve.settings")
    import django

    django.setup()
    from outcomes.metrics import many_measures, measure_metrics
    from outcomes.privacy import suppress

    counts, favorable = random_counts(args.programs, args.periods, args.seed)

    def metrics():
        return many_measures(counts, favorable=favorable, reference="best")

    def both():
        return metrics(), suppress(counts)

    summary, suppressed = both()
    print("\nValue Curve outcome metrics benchmark")
    print(
        f"Data: {args.programs} programs x {args.periods} periods x 9 groups = {len(counts):,} "
        f"rows; {len(summary):,} (measure, period) tables"
    )
    print(hidden_line(args, suppressed, len(counts)) + "\n")
    line("many_measures (reference: best)", timed(metrics, args.runs), args.runs)
    line("suppress", timed(lambda: suppress(counts), args.runs), args.runs)
    line("all metrics + suppression", timed(both, args.runs), args.runs, TARGET)
    one = counts[counts["measure"] == 0]
    framing = bool(favorable[0])
    line(
        "measure_metrics, one program (all tables)",
        timed(lambda: measure_metrics(one, favorable=framing), args.runs),
        args.runs,
    )


if __name__ == "__main__":
    main()
