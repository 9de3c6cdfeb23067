"""A burst limit for the public answer form, in memory only.

Each process keeps a token bucket per key; the key is a keyed hash (with a secret made when the
process starts) of the survey and the client address. Neither the address nor the hash is ever
written anywhere, and a restart forgets them all.
"""

import hashlib
import hmac
import secrets
import threading
import time

from django.conf import settings

_SECRET = secrets.token_bytes(32)
_lock = threading.Lock()
_buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill, monotonic)
# Past this many keys, buckets that are full again are dropped.
MAX_KEYS = 10_000


def _key(*parts: str) -> str:
    return hmac.new(_SECRET, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _limits() -> tuple[float, float]:
    """(burst, per minute): SURVEY_BURST answers at once, refilled SURVEY_PER_MINUTE a minute."""
    return float(settings.SURVEY_BURST), float(settings.SURVEY_PER_MINUTE)


def client_address(request) -> str:
    """The client's address, behind TRUSTED_PROXY_COUNT proxies (as sign-in limits count it).
    Used for the bucket's key only: never stored."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count and len(forwarded) >= count and forwarded[-count]:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def allow(*parts: str) -> bool:
    """Take one token from the bucket of these parts; False when it is empty."""
    burst, per_minute = _limits()
    key, now = _key(*parts), time.monotonic()
    with _lock:
        tokens, last = _buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * per_minute / 60)
        if len(_buckets) > MAX_KEYS:
            _forget_full(now, burst, per_minute)
        if tokens < 1:
            _buckets[key] = (tokens, now)
            return False
        _buckets[key] = (tokens - 1, now)
        return True


def _forget_full(now: float, burst: float, per_minute: float) -> None:
    for key, (tokens, last) in list(_buckets.items()):
        if tokens + (now - last) * per_minute / 60 >= burst:
            del _buckets[key]


def reset() -> None:
    with _lock:
        _buckets.clear()
