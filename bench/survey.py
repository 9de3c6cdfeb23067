"""The survey's answer page under load, served as in production: its weight (HTML, CSS, JS)
and the time to first byte while 200 answers are posted at once.

Run from the repository root: `.venv/bin/python bench/survey.py` (`make bench-survey`). It makes
a scratch SQLite file under /tmp with one survey, collects the static files as a deployment
does, serves the app with gunicorn (DEBUG off, two workers of four threads) on loopback and posts
the answers from eight threads. See bench/README.md.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.survey_load import (  # noqa: E402
    ANSWERED,
    page_weight,
    post_answers,
    server,
    stored_counts,
    survey_environment,
)

SCRATCH_DB = Path("/tmp/valuecurve-survey-bench.sqlite3")
STATIC_ROOT = Path("/tmp/valuecurve-survey-bench-static")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200, help="Answers to post.")
    parser.add_argument("--threads", type=int, default=8, help="Threads posting at once.")
    return parser.parse_args()


def prepare() -> str:
    """A fresh database with one open survey; its public path."""
    import django
    from django.core.management import call_command

    django.setup()
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from assessments.models import Organization, Program
    from surveys.models import ProgramQuestion, Survey

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    organization = Organization.objects.create(name="Bench organization", sector="nonprofit")
    program = Program.objects.create(organization=organization, name="Bench", service_area="x")
    today = timezone.localdate()
    survey = Survey.objects.create(
        program=program, title="How did we do?", opens_on=today, closes_on=today + timedelta(1)
    )
    ProgramQuestion.objects.create(survey=survey, position=1, kind="yes_no", text="First visit?")
    return reverse("surveys:answer", args=[survey.token])


def static_size(url: str) -> int:
    """The size a browser downloads: the compressed copy WhiteNoise serves, if there is one."""
    path = STATIC_ROOT / url.removeprefix("/static/")
    compressed = path.with_name(path.name + ".gz")
    return (compressed if compressed.exists() else path).stat().st_size


def main() -> None:
    args = parse_args()
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{SCRATCH_DB}{suffix}").unlink(missing_ok=True)
    env = survey_environment(SCRATCH_DB, debug=False) | {"STATIC_ROOT": str(STATIC_ROOT)}
    os.environ.update(env)
    path = prepare()
    with server(env) as port:
        weight = page_weight(port, path, static_size)
        result = post_answers(port, path, args.answers, threads=args.threads)
    responses, answers = stored_counts(SCRATCH_DB)
    print(
        f"Answer page weight: HTML {weight['html']} B, CSS {weight['css']} B (gzip), "
        f"JS {weight['js']} B: {sum(weight.values())} B"
    )
    print(result.summary())
    lost = args.answers - responses
    print(f"Stored: {responses} responses, {answers} answers; lost: {lost}")
    if lost or answers != responses * ANSWERED or set(result.statuses) != {302}:
        raise SystemExit("some answers were refused or lost")


if __name__ == "__main__":
    main()
