"""Hostile text for hardening tests: markup, attribute breakers, template syntax.

Each payload is meant to be stored in a text field and shown on a page; a page is safe when
the payload appears there only escaped.
"""

import re
from html.parser import HTMLParser

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "attribute": "' onmouseover='alert(1)",
    "javascript-url": "javascript:alert(1)",
    "textarea-break": "</textarea><script>x</script>",
    "script-break": "</script><script>alert(1)</script>",
    "template": "{{ 7*7 }}",
    "svg-onload": "<svg/onload=alert(1)>",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp;",
    "unicode": "Ünïcødé ☃ 日本語 \u202egnp.exe <img src=x onerror=alert('ü')>",
    "long": "A" * 6000 + "<script>alert('long')</script>",
}

# Attributes that hold a URL: a `javascript:` value there runs when followed.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
# Elements no page of the app draws from user text.
FOREIGN_TAGS = {"svg", "iframe", "object", "embed", "frame", "frameset", "base"}
# The attributes of the <svg> the chart kit draws on pages (HTMLParser lowercases viewBox).
CHART_SVG_ATTRIBUTES = {
    "xmlns",
    "width",
    "height",
    "viewbox",
    "font-family",
    "class",
    "aria-hidden",
}


def fit(tag: str, payload: str, max_length: int) -> str:
    """`tag:payload`, cut to the field's length from the front of the payload, so the
    markup at its end survives."""
    value = f"{tag}:{payload}"
    if len(value) <= max_length:
        return value
    return f"{tag}:{payload[-(max_length - len(tag) - 1) :]}"


class LiveMarkup(HTMLParser):
    """Collects markup that would run script: event handler attributes, `javascript:`
    URLs, script elements other than the site's own files and JSON data blocks."""

    def __init__(self, static_prefix: str = "/static/"):
        super().__init__(convert_charrefs=True)
        self.static_prefix = static_prefix
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            squeezed = re.sub(r"\s", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not self._own_script(values):
            self.problems.append(f"<script {values}>")
        if tag in FOREIGN_TAGS and not self._own_chart(tag, values):
            self.problems.append(f"<{tag}>")
        if tag == "img" and not values.get("src", "").startswith((self.static_prefix, "data:")):
            self.problems.append(f"<img src={values.get('src')!r}>")

    handle_startendtag = handle_starttag

    def _own_chart(self, tag: str, values: dict[str, str]) -> bool:
        """A chart the server drew (valuecurve.chart_svg, through the static_chart tag): an
        <svg> with exactly the attributes the kit writes, none a payload's."""
        return (
            tag == "svg"
            and set(values) == CHART_SVG_ATTRIBUTES
            and values["class"].startswith("chart-static ")
            and values["aria-hidden"] == "true"
        )

    def _own_script(self, values: dict[str, str]) -> bool:
        if values.get("type") == "application/json":
            return True
        # The site's own file, with nothing else but data attributes naming the site's own
        # files (charts.js is told where the plotly bundle is).
        others = {name: value for name, value in values.items() if name != "src"}
        return values.get("src", "").startswith(self.static_prefix) and all(
            name.startswith("data-") and value.startswith(self.static_prefix)
            for name, value in others.items()
        )


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems
