from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import levels


def about(request: HttpRequest) -> HttpResponse:
    """What the tool is, where the Value Curve comes from, and how scoring works."""
    level_rows = [
        (levels.LEVEL_NAMES[level], levels.LEVEL_SUMMARIES[level])
        for level in (levels.NOT_YET, *levels.LEVELS)
    ]
    return render(request, "about.html", {"level_rows": level_rows})
