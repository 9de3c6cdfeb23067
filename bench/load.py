"""`make bench-load`: 50 signed-in leaders for 5 minutes against two app servers (gunicorn,
2 workers x 2 threads each) and two task workers on this machine's PostgreSQL and Redis,
loopback only. Prints the requests, errors, answers saved / acknowledged / lost, p50 and p95.

    python bench/load.py [--users 50] [--run-time 5m]
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy import cluster as deploy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", default="5m", help="locust's --run-time: 5m, 90s, ...")
    args = parser.parse_args()
    if why := deploy.missing_service():
        raise SystemExit(why)
    out = Path(tempfile.mkdtemp(prefix="valuecurve-load-"))
    with deploy.cluster(users=args.users, drafts=True) as running:
        a, b = running.servers
        env = running.env | {
            "LOAD_OTHER_HOST": b,
            "LOAD_USERS": ",".join(":".join(fields) for fields in running.drafts),
            "LOAD_TALLY": str(out / "tally.json"),
        }
        command = [str(deploy.BIN / "locust"), "-f", str(ROOT / "bench/locustfile.py")]
        command += ["--headless", f"--host={a}", f"--users={args.users}", "--spawn-rate=10"]
        command += [f"--run-time={args.run_time}", f"--csv={out / 'load'}", "--only-summary"]
        subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=3600)
        answers_in_db = running.sql("SELECT count(*) FROM assessments_answer")[0][0]
    with open(out / "load_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    tally = json.loads((out / "tally.json").read_text())
    print(f"\n{args.users} users, {args.run_time}, two servers x 2 workers x 2 threads")
    print(f"requests {total['Request Count']}, errors {total['Failure Count']}")
    print(
        f"answers saved {tally['saved']}, acknowledged {tally['acknowledged']}, "
        f"lost {tally['lost']} (answer rows in the database: {answers_in_db})"
    )
    print(f"p50 {total['50%']} ms, p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s")
    for name, row in rows.items():
        if name != "Aggregated":
            count, p50, p95 = row["Request Count"], row["50%"], row["95%"]
            print(f"  {name:32} n={count:>6} p50={p50:>6} p95={p95:>6}")
    with open(out / "load_failures.csv") as failures:
        for row in csv.DictReader(failures):
            print(f"  error x{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error']}")


if __name__ == "__main__":
    main()
