"""HTML to tagged PDF (WeasyPrint), for every app's documents: reports, posters, flyers.

Nothing is fetched from the network or the disk: a document refers only to data: URLs.
"""

import contextlib
import gc
import threading
from collections.abc import Iterator
from functools import lru_cache

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document

PRINT_CSS = "css/print.css"
PDF_VARIANT = "pdf/ua-1"

_fetchers = threading.local()


def _data_only_fetcher() -> URLFetcher:
    """A fetcher of data: URLs only, one per thread (a fetcher keeps per-request state;
    making one builds an SSL context, which costs more than a poster's chart)."""
    if not hasattr(_fetchers, "fetcher"):
        _fetchers.fetcher = URLFetcher(allowed_protocols={"data"})
    return _fetchers.fetcher


@lru_cache(maxsize=1)
def _print_css() -> CSS:
    return CSS(filename=finders.find(PRINT_CSS))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while WeasyPrint works. A document makes
    hundreds of thousands of short-lived objects, and each of the collector's passes over the
    process's long-lived ones (Django, pandas, plotly) then cost about a third of a poster's
    time; the garbage is collected as usual once the collector runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_document(html: str, *, cache: dict | None = None) -> Document:
    """The HTML laid out in pages (WeasyPrint's Document), for html_to_pdf or to measure.

    The HTML may refer only to data: URLs (the charts); nothing is fetched from the
    network or the disk. `cache` (a dict) shares decoded images across a batch.
    """
    with _collector_paused():
        return HTML(string=html, url_fetcher=_data_only_fetcher()).render(
            stylesheets=[_print_css()],
            pdf_variant=PDF_VARIANT,
            cache=cache if cache is not None else {},
        )


def document_pdf(document: Document) -> bytes:
    """A rendered document as a tagged PDF (PDF/UA-1), fonts embedded (subsets)."""
    with _collector_paused():
        return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_scope_table_headers)


def html_to_pdf(html: str, *, cache: dict | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of the HTML, fonts embedded (subsets), text selectable."""
    return document_pdf(render_document(html, cache=cache))


def _scope_table_headers(document: Document, _pdf) -> None:
    """Give every TH structure element its /Scope (Row or Column).

    WeasyPrint 70 tags tables (TH, TD) and gives each TD the IDs of its headers (/Headers),
    but writes nothing on the TH elements themselves, so a checker cannot tell a row header
    from a column header. It keeps each cell's structure element on the cell's box (`mark`,
    set while tagging, before the finisher runs); this sets /Scope there the way WeasyPrint
    itself paired the cells with headers: `scope="row"` is a row header, any other TH heads
    its column.
    """
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if box.element_tag == "th" and element is not None:
                scope = box.element.get("scope")
                element["A"]["Scope"] = "/Row" if scope == "row" else "/Column"
