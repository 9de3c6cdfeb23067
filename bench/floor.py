"""The floor of a Django page for `make bench-http`: one 50-row query and a small template,
through the same middleware as every page. Served only under bench/settings.py."""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import engines

from assessments.models import Answer

TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang='en'><head><title>Floor</title></head><body><ul>"
    "{% for answer in answers %}<li>{{ answer.pk }} {{ answer.level }} {{ answer.confidence }}"
    "</li>{% endfor %}"
    "</ul></body></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    answers = Answer.objects.order_by("pk").only("pk", "level", "confidence")[:50]
    return HttpResponse(TEMPLATE.render({"answers": answers}, request))


class ColdCacheMiddleware:
    """A request with the header X-Bench-Cold is served with the cache emptied first: the
    benchmark's "cold" rows (every request recomputes what the pages cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_BENCH_COLD" in request.META:
            cache.clear()
        return self.get_response(request)
