"""Charts for PDF documents: plotly figures to static SVG (kaleido); the HTML to tagged PDF
step is the project's (valuecurve.pdf).

Kaleido drives a headless Chromium. Starting it takes seconds, so one stays warm per
process, on its own event loop thread, started on first use. SVGs are cached by the
figure's JSON, so a batch of posters with the same levels draws each chart once.
"""

import asyncio
import atexit
import base64
import contextlib
import json
import logging
import os
import shutil
import threading
import time
from functools import lru_cache

from valuecurve.charts import localized
from valuecurve.figures import Figure

# HTML to PDF is the project's (valuecurve.pdf); reports and posters reach it through here.
from valuecurve.pdf import document_pdf, html_to_pdf, render_document  # noqa: F401

logger = logging.getLogger(__name__)

# A chart that takes longer than this is left out of the document rather than hang a request.
RENDER_TIMEOUT = 30
# After Chromium failed to start, documents are made without charts for this long.
RETRY_AFTER = 60


class ChartUnavailable(Exception):
    """The chart could not be drawn (no Chromium, or it failed): documents go without it."""


class _Kaleido:
    """One kaleido (headless Chromium) per process, on a loop thread of its own.

    kaleido's own sync server waits forever when Chromium fails to start; this one
    gives every call a timeout instead.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pid = os.getpid()
        self.closed = False
        threading.Thread(target=self.loop.run_forever, daemon=True, name="kaleido").start()
        try:
            self.kaleido = self.run(self._open(), timeout=RENDER_TIMEOUT * 2)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise
        atexit.register(self.close)

    async def _open(self):
        import kaleido

        instance = kaleido.Kaleido(mathjax=False)  # mathjax would come from a CDN
        await instance.open()
        return instance

    def run(self, coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def svg(self, figure: dict, width: int, height: int) -> bytes:
        opts = {"format": "svg", "width": width, "height": height}
        return self.run(self.kaleido.calc_fig(figure, opts=opts), timeout=RENDER_TIMEOUT)

    def close(self) -> None:
        if self.closed or os.getpid() != self.pid:
            return
        self.closed = True
        # At worst Chromium ends with this process, when its pipe closes.
        with contextlib.suppress(Exception):
            self.run(self.kaleido.close(), timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)


_state: dict = {"kaleido": None, "failed_at": None}
_state_lock = threading.Lock()


def _warm_kaleido() -> _Kaleido:
    with _state_lock:
        current = _state["kaleido"]
        if current is not None and current.pid == os.getpid():
            return current
        failed_at = _state["failed_at"]
        if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER:
            raise ChartUnavailable("Chromium failed to start a moment ago")
        _quiet_loggers()
        if "BROWSER_PATH" not in os.environ and shutil.which("chromium"):
            os.environ["BROWSER_PATH"] = shutil.which("chromium")
        try:
            _state["kaleido"] = _Kaleido()
        except Exception as exc:
            _state["failed_at"] = time.monotonic()
            raise ChartUnavailable(str(exc)) from exc
        return _state["kaleido"]


def _quiet_loggers() -> None:
    # They log every tab, temporary file and layout step at INFO.
    for name in ("kaleido", "choreographer", "logistro", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)


@lru_cache(maxsize=512)
def _svg_for(figure_json: str, width: int, height: int) -> bytes:
    return _warm_kaleido().svg(json.loads(figure_json), width, height)


def figure_svg(fig: Figure, width: int, height: int) -> bytes:
    """The figure as static SVG, drawn by plotly.js itself in the warm Chromium."""
    try:
        # The figure's JSON (its language's words and separators) keys the cache.
        return _svg_for(localized(fig).to_json(), width, height)
    except ChartUnavailable:
        raise
    except Exception as exc:  # a timeout or a Chromium crash: start a fresh one next time
        with _state_lock:
            broken, _state["kaleido"] = _state["kaleido"], None
        if broken is not None:
            threading.Thread(target=broken.close, daemon=True).start()
        raise ChartUnavailable(str(exc)) from exc


def figure_data_uri(fig: Figure, width: int, height: int) -> str | None:
    """An <img> source for the figure, or None (logged) when charts cannot be drawn."""
    try:
        svg = figure_svg(fig, width, height)
    except ChartUnavailable as exc:
        logger.warning("Chart left out of a document: %s", exc)
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
