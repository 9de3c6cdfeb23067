"""Plotly figures as plain data: the few parts of plotly's `graph_objects` the app's charts use
(a figure, its traces, `update_layout`, `add_trace`), without its validation of every property
on every request, which cost a chart page more than the rest of it. The JSON is what plotly.js
draws and what `graph_objects` would write, plotly's default template included, so pages and
the SVG of documents look the same.

Properties are written nested (`marker={"color": ...}`), not with plotly's underscore
shorthand (`marker_color=...`). Reading a property that is not set gives None, as in plotly.
"""

import json
import math
from functools import cache
from typing import Any

import numpy as np


class Props(dict):
    """A dict whose keys read as attributes, for tests and callers that read a figure back
    (`fig.layout.yaxis.ticktext`); nested dicts and lists of dicts read the same way."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _readable(self.get(name))


def _readable(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, Props):
        return Props(value)
    if isinstance(value, list | tuple):
        return [_readable(item) for item in value]
    return value


class Trace(Props):
    kind = ""

    def __init__(self, **props: Any):
        super().__init__(type=self.kind, **props)


class Bar(Trace):
    kind = "bar"


class Scatter(Trace):
    kind = "scatter"


class Heatmap(Trace):
    kind = "heatmap"


class Figure:
    def __init__(self, data: dict | list[dict] | None = None, layout: dict | None = None):
        traces = [data] if isinstance(data, dict) else list(data or [])
        self.data: list[Props] = [Props(trace) for trace in traces]
        self.layout = Props()
        if layout:
            self.update_layout(layout)

    def add_trace(self, trace: dict) -> "Figure":
        self.data.append(Props(trace))
        return self

    def update_layout(self, props: dict | None = None, /, **more: Any) -> "Figure":
        """Set layout properties; a dict value is merged into the one set before, as plotly
        does."""
        _merge(self.layout, {**(props or {}), **more})
        return self

    def to_plotly_json(self) -> dict:
        """Plain data for json.dumps: numpy values made Python ones, NaN and infinities null,
        properties set to None left out; the layout carries plotly's default template."""
        layout = _plain(self.layout)
        layout.setdefault("template", default_template())
        return {"data": [_plain(trace) for trace in self.data], "layout": layout}

    def to_json(self) -> str:
        return json.dumps(self.to_plotly_json(), separators=(",", ":"))


def _merge(target: dict, props: dict) -> None:
    for key, value in props.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merged = dict(target[key])
            _merge(merged, value)
            target[key] = merged
        else:
            target[key] = value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@cache
def default_template() -> dict:
    """plotly's default template ("plotly"), as `graph_objects` writes it into every figure."""
    import plotly.graph_objects as go

    return json.loads(go.Figure().to_json())["layout"]["template"]
