"""The system Chromium for browser tests: the page fixture (see tests/conftest.py), marks,
the axe-core accessibility check, and the W3C Nu HTML Checker on every page it checks.

`assert_accessible(page)` runs axe-core on the page and keeps its HTML (`page.content()`);
once the session's browser tests are done, the Nu HTML Checker (npm `vnu-jar`, on the
machine's Java) reads every page kept, in one run, and any error fails the session.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
JAVA = shutil.which("java")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = {"width": 390, "height": 844}
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


class HtmlPages:
    """The HTML of the pages the browser tests checked, one file each, for the Nu checker."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.urls: dict[str, str] = {}  # file name: the page's URL

    def keep(self, page) -> None:
        slug = re.sub(r"[^\w]+", "-", page.url.split("://", 1)[-1]).strip("-")[:80]
        name = f"{len(self.urls):03}-{slug}.html"
        (self.folder / name).write_text(page.content(), encoding="utf-8")
        self.urls[name] = page.url

    def errors(self) -> dict[str, list[str]]:
        """The Nu checker's errors, per page URL, on every page kept (one Java run)."""
        if not self.urls:
            return {}
        files = [str(self.folder / name) for name in self.urls]
        command = [JAVA, "-Xss8m", "-jar", str(VNU), "--errors-only", "--format", "json"]
        run = subprocess.run([*command, *files], capture_output=True, text=True, timeout=600)
        found: dict[str, list[str]] = {}
        for message in json.loads(run.stderr or run.stdout)["messages"]:
            url = self.urls.get(Path(message.get("url", "")).name, message.get("url", ""))
            where = f"line {message.get('lastLine', '?')}"
            found.setdefault(url, []).append(f"{where}: {message['message']}")
        return found


@pytest.fixture(scope="session")
def html_pages(tmp_path_factory):
    """Every page `assert_accessible` saw in this session, checked by the Nu HTML Checker at
    the session's end: an error there fails the run (reported at the last browser test)."""
    pages = HtmlPages(tmp_path_factory.mktemp("html-pages"))
    yield pages
    if JAVA is None or not VNU.exists():
        return  # no Java or no vnu-jar: the HTML check cannot run here
    errors = pages.errors()
    assert errors == {}, "The Nu HTML Checker found errors:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(messages) for url, messages in errors.items()
    )


@pytest.fixture
def page(monkeypatch, html_pages):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        page.html_pages = html_pages
        yield page
        browser.close()


def assert_accessible(page) -> None:
    """No WCAG 2.1 A or AA violation that axe-core finds, on the page as the server drew it
    (its charts static SVG; this HTML is kept for the Nu HTML Checker, see `html_pages`) and
    again with every chart that can be seen redrawn by plotly.js."""
    page.html_pages.keep(page)
    _assert_axe_clean(page)
    if page.locator("[data-chart]").count():
        draw_charts(page)
        _assert_axe_clean(page)


def _assert_axe_clean(page) -> None:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(", ")}`);
        }""",
        WCAG_TAGS,
    )
    assert violations == [], f"{page.url}: {violations}"


def phone_context(browser, live_server, user):
    """A phone-sized browser context, signed in as the user (None: signed out)."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(locale="en-US", viewport=PHONE)
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return context


def draw_charts(page) -> None:
    """Check each chart that can be seen as the server drew it (its static SVG shows), then
    point at it (static/js/charts.js then redraws it with plotly.js) and wait until plotly.js
    has drawn it; then back to the top."""
    charts = page.locator("[data-chart]")
    for n in range(charts.count()):
        chart = charts.nth(n)
        if chart.is_visible():
            if chart.get_attribute("data-interactive") is None:  # not pointed at yet
                assert chart.locator("svg.chart-static:visible").count() == 1, page.url
            chart.scroll_into_view_if_needed()
            chart.hover()
            chart.locator("svg.main-svg").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
