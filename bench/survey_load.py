"""Many people answering one survey at once, through a real server (gunicorn on loopback):
used by the load test (tests/surveys/test_load.py) and `make bench-survey` (bench/survey.py).

Nothing here imports Django: the server is its own processes, the database a SQLite file the
caller made, read back with the sqlite3 module.
"""

import http.client
import re
import sqlite3
import statistics
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.lighthouse import free_port, serve

# One whole response: every core question, a program question and the questions about you.
ANSWERS = {
    "respect": "5",
    "heard": "4",
    "needs_met": "4",
    "ease": "3",
    "recommend": "9",
    "works_well": "The staff listen.",
    "change_one": "Evening hours.",
    "race": "black",
    "language": "en",
    "age_band": "35_44",
    "website": "",
}
ANSWERED = 7  # rows of answers each response above stores
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"")


@dataclass
class LoadResult:
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    post_ttfb: list = field(default_factory=list)  # seconds to the first byte of each answer
    page_ttfb: list = field(default_factory=list)  # of the answer page, read during the load

    def summary(self) -> str:
        def ms(values, q):
            return f"{1000 * statistics.quantiles(values, n=100)[q - 1]:.0f} ms"

        lines = [
            f"{sum(self.statuses.values())} answers in {self.seconds:.1f} s: {dict(self.statuses)}",
            f"time to first byte of an answer: median {ms(self.post_ttfb, 50)}, "
            f"p95 {ms(self.post_ttfb, 95)}",
        ]
        if len(self.page_ttfb) >= 2:
            lines.append(
                f"time to first byte of the answer page under that load "
                f"({len(self.page_ttfb)} reads): median {ms(self.page_ttfb, 50)}, "
                f"p95 {ms(self.page_ttfb, 95)}"
            )
        return "\n".join(lines)


def survey_environment(database: Path, debug: bool = True) -> dict[str, str]:
    """The server's environment: this database, and no burst limit (one address sends all)."""
    return {
        "DJANGO_SETTINGS_MODULE": "valuecurve.settings",
        "DEBUG": "true" if debug else "false",
        "SECRET_KEY": "load-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "SURVEY_BURST": "100000",
        "SURVEY_PER_MINUTE": "100000",
        "LOG_LEVEL": "WARNING",
    }


# Each of the two workers answers four requests at once.
THREADS = ("--worker-class", "gthread", "--threads", "4")


@contextmanager
def server(env: dict[str, str]):
    """gunicorn on a free loopback port, stopped (by its process id) on the way out."""
    port = free_port()
    process = serve(port, env, THREADS)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _request(port: int, method: str, path: str, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request(method, path, body=body or None, headers=headers or {})
    response = connection.getresponse()  # returns once the status line and headers are in
    first_byte = time.perf_counter() - started
    content = response.read()
    connection.close()
    return response, content, first_byte


def page_weight(port: int, path: str, static_file) -> dict[str, int]:
    """Bytes of the page's HTML, and of the CSS and JS it loads (`static_file(url)` gives the
    size of a static file from its URL)."""
    _response, html, _ttfb = _request(port, "GET", path)
    text = html.decode()
    return {
        "html": len(html),
        "css": sum(static_file(url) for url in STYLESHEET.findall(text)),
        "js": sum(static_file(url) for url in SCRIPT.findall(text)),
    }


def post_answers(port: int, path: str, count: int, threads: int = 8) -> LoadResult:
    """`count` answers posted from `threads` threads at once, while another thread reads the
    answer page over and over; what each got and how long it took."""
    # Like a phone that keeps no cookie: the form needs none.
    body = urlencode(ANSWERS)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    result, lock, todo = LoadResult(), threading.Lock(), iter(range(count))
    done = threading.Event()

    def answer() -> None:
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            try:
                response, _content, ttfb = _request(port, "POST", path, body, headers)
                status = response.status
            except OSError as error:
                status, ttfb = type(error).__name__, 0.0
            with lock:
                result.statuses[status] += 1
                result.post_ttfb.append(ttfb)

    def read_page() -> None:
        while not done.is_set():
            _response, _content, ttfb = _request(port, "GET", path)
            result.page_ttfb.append(ttfb)
            time.sleep(0.05)

    reader = threading.Thread(target=read_page, daemon=True)
    workers = [threading.Thread(target=answer) for _i in range(threads)]
    started = time.perf_counter()
    reader.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.perf_counter() - started
    done.set()
    reader.join(timeout=60)
    return result


def stored_counts(database: Path) -> tuple[int, int]:
    """(responses, answers) in the database file."""
    with sqlite3.connect(database) as db:
        responses = db.execute("SELECT COUNT(*) FROM surveys_response").fetchone()[0]
        answers = db.execute("SELECT COUNT(*) FROM surveys_answer").fetchone()[0]
    return responses, answers
