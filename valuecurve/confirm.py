"""The confirmation step of a destructive action: its URL shows this page on GET (it works
without JavaScript) and acts only on POST."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirm_page(
    request: HttpRequest, *, heading: str, consequence: str, button: str, cancel_url: str
) -> HttpResponse:
    context = {
        "heading": heading,
        "consequence": consequence,
        "button": button,
        "cancel_url": cancel_url,
    }
    return render(request, "includes/confirm.html", context)
