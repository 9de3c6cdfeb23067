"""Task workers tell the readiness check they are alive: each writes the time to the cache
every few seconds, and /health/ready reads the latest."""

import threading
import time

from django.conf import settings
from django.core.cache import cache

KEY = "health:worker-seen"
BEAT_SECONDS = 5


def worker_beat() -> None:
    cache.set(KEY, time.time(), timeout=settings.WORKER_STALE_SECONDS * 2)


def worker_seen_recently() -> bool:
    seen = cache.get(KEY)
    return seen is not None and time.time() - seen <= settings.WORKER_STALE_SECONDS


def start_beating() -> threading.Thread:
    """Beat now, then every BEAT_SECONDS in a daemon thread (it ends with the worker)."""

    def beat_forever() -> None:
        while True:
            time.sleep(BEAT_SECONDS)
            try:
                worker_beat()
            except Exception:  # a cache outage must not stop the worker; readiness shows it
                continue

    worker_beat()
    thread = threading.Thread(target=beat_forever, name="worker-heartbeat", daemon=True)
    thread.start()
    return thread
