"""Settings for `make bench-http` only: the app's own settings, plus the floor page and a way to
ask for a page with an empty cache. Nothing in valuecurve/ imports this module, so neither is
reachable in a deployment (DJANGO_SETTINGS_MODULE=valuecurve.settings)."""

from valuecurve.settings import *  # noqa: F403
from valuecurve.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = [*MIDDLEWARE, "bench.floor.ColdCacheMiddleware"]
