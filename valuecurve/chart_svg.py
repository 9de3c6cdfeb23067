"""A plotly figure's data drawn as static SVG in Python: the first paint of every web chart
(the page is whole without JavaScript) and the charts of PDF documents.

It draws the subset of plotly the app's figures use (scatter with lines, markers, text,
fills and horizontal error bars; horizontal and stacked bars; heat maps with cell text;
linear, log and category axes; line shapes with labels; text annotations; a horizontal
legend) from the figure's plain JSON (`charts.figure_json`), so the figure functions stay the
one source of every chart. Text is escaped; of plotly's markup only <br> and <b> are read.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

PLOTLY_COLORWAY = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3")
DASHES = {"dot": "3,3", "dash": "9,9", "dashdot": "9,3,3,3", "longdash": "15,5"}
_MARKUP = re.compile(r"(<b>|</b>)")
_BREAK = re.compile(r"<br\s*/?>", re.I)


# --- Text --------------------------------------------------------------------------------------


def _em(character: str) -> float:
    if character in "iljtf.,:;'|!()[] ":
        return 0.3
    if character.isupper() or character in "mwMW%":
        return 0.72
    return 0.58


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Pixels: an estimate (no font is read) a little wide, so that labels never collide."""
    width = sum(_em(c) for c in _plain(text)) * size
    return width * 1.07 if bold else width


def _plain(text: str) -> str:
    return _MARKUP.sub("", text)


def _lines(text) -> list[str]:
    return _BREAK.split(str(text)) if text is not None else []


def _label_width(text, size: float) -> float:
    return max((text_width(line, size, "<b>" in line) for line in _lines(text)), default=0)


def _tspans(line: str, bold: bool) -> tuple[str, bool]:
    """A line of plotly markup as SVG tspans (bold carries over to the next line); plain
    text as it is (PDF renderers draw each node apart)."""
    if not bold and "<b>" not in line:
        return escape(_plain(line)), False
    out = []
    for part in _MARKUP.split(line):
        if part in ("<b>", "</b>"):
            bold = part == "<b>"
        elif part:
            weight = ' font-weight="bold"' if bold else ""
            out.append(f"<tspan{weight}>{escape(part)}</tspan>")
    return "".join(out), bold


def _text(x, y, text, size, color, anchor="middle", middle=True, extra="") -> str:
    """Multi-line text; `middle`: the lines centred on y, else the first line's baseline at y."""
    lines = _lines(text)
    if not lines:
        return ""
    step = size * 1.2
    first = y - step * (len(lines) - 1) / 2 + size * 0.35 if middle else y
    out, bold = [], False
    for n, line in enumerate(lines):
        spans, bold = _tspans(line, bold)
        out.append(
            f'<text x="{x:.1f}" y="{first + n * step:.1f}" font-size="{size:g}" '
            f'fill="{color}" text-anchor="{anchor}"{extra}>{spans}</text>'
        )
    return "".join(out)


# --- Numbers -----------------------------------------------------------------------------------


def _number(value: float, step: float, separators: str) -> str:
    places = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    text = f"{value:,.{places}f}"
    marks = (separators + ".,")[:2] if separators else ".,"
    point, thousands = marks[0], marks[1]
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _usable(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- Axes --------------------------------------------------------------------------------------


@dataclass
class Axis:
    spec: dict
    kind: str  # "linear", "log" or "category"
    categories: list[str] = field(default_factory=list)
    low: float = 0.0  # the range, in axis units (log10 of the value on a log axis)
    high: float = 1.0
    start: float = 0.0  # pixels of `low` and `high`
    end: float = 1.0

    @property
    def visible(self) -> bool:
        return self.spec.get("visible", True) is not False

    def unit(self, value) -> float | None:
        """A data value in axis units (None where it has no place)."""
        if self.kind == "category":
            if isinstance(value, str):
                return float(self.categories.index(value)) if value in self.categories else None
            return float(value) if _usable(value) else None
        if not _usable(value):
            return None
        if self.kind == "log":
            return math.log10(value) if value > 0 else None
        return float(value)

    def px(self, value) -> float | None:
        unit = self.unit(value)
        return None if unit is None else self.at(unit)

    def at(self, unit: float) -> float:
        span = (self.high - self.low) or 1
        return self.start + (unit - self.low) / span * (self.end - self.start)

    def ticks(self, separators: str) -> list[tuple[float, str]]:
        """(position in axis units, label) of each tick inside the range."""
        spec = self.spec
        if spec.get("tickvals") is not None:
            values = spec["tickvals"]
            texts = spec.get("ticktext") or [_number(v, 1, separators) for v in values]
            found: Sequence[tuple[float | None, str]] = [
                (self.unit(v), str(t)) for v, t in zip(values, texts, strict=False)
            ]
        elif self.kind == "category":
            found = [(float(n), name) for n, name in enumerate(self.categories)]
        elif self.kind == "log":
            found = self._log_ticks(separators)
        else:
            found = self._linear_ticks(separators)
        lo, hi = sorted((self.low, self.high))
        return [(u, t) for u, t in found if u is not None and lo - 1e-9 <= u <= hi + 1e-9]

    def _linear_ticks(self, separators: str) -> list[tuple[float, str]]:
        spacing = 50 if self.end < self.start else 80  # pixels between ticks: y, x
        count = max(2, round(abs(self.end - self.start) / spacing))
        step = _nice_step(self.high - self.low, count)
        first = math.ceil(self.low / step - 1e-9)
        values = [n * step for n in range(first, math.floor(self.high / step + 1e-9) + 1)]
        return [(v, _number(v, step, separators)) for v in values]

    def _log_ticks(self, separators: str) -> list[tuple[float, str]]:
        decades = range(math.floor(self.low), math.ceil(self.high) + 1)
        steps = (1, 2, 5) if self.high - self.low < 3 else (1,)
        values = [m * 10.0**d for d in decades for m in steps]
        return [(math.log10(v), _number(v, min(v, 1), separators)) for v in values]


def _axis_kind(spec: dict, values: list) -> str:
    if spec.get("type") in ("linear", "log", "category"):
        return spec["type"]
    return "category" if any(isinstance(v, str) for v in values) else "linear"


def _categories(values: list) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            seen.setdefault(value, None)
    return list(seen)


def _axis(spec: dict, values: list, extents: list[float], pad: float, zero: bool) -> Axis:
    """The axis over `values` (the data), `extents` (bars' and error bars' ends, shapes)."""
    kind = _axis_kind(spec, values)
    axis = Axis(spec, kind, _categories(values) if kind == "category" else [])
    if spec.get("range") is not None:
        axis.low, axis.high = (float(v) for v in spec["range"])
        return axis
    if kind == "category":
        numbers = [v for v in values if _usable(v)]
        top = max([len(axis.categories) - 1, *numbers], default=0)
        axis.low, axis.high = min([0, *numbers]) - pad, top + pad
        return axis
    units = [u for u in (axis.unit(v) for v in [*values, *extents]) if u is not None]
    if zero or spec.get("rangemode") == "tozero":
        units.append(0.0)
    low, high = (min(units), max(units)) if units else (0.0, 1.0)
    margin = (high - low) * 0.06 or 0.5
    axis.low = low if (zero and low == 0) else low - margin
    axis.high = high + margin
    if spec.get("rangemode") == "tozero" and low >= 0:
        axis.low = 0.0
    return axis


# --- The figure --------------------------------------------------------------------------------


def _trace_type(trace: dict) -> str:
    return trace.get("type", "scatter")


def _stacked_bars(data: list[dict], barmode: str | None) -> list[tuple[dict, list]]:
    """Each bar trace with (position, base, end) per bar; stacked ones end to end."""
    ends: dict = {}
    found = []
    for trace in data:
        if _trace_type(trace) != "bar":
            continue
        horizontal = trace.get("orientation") == "h"
        values = trace.get("x" if horizontal else "y") or []
        positions = trace.get("y" if horizontal else "x") or list(range(len(values)))
        bars = []
        for position, value in zip(positions, values, strict=False):
            value = value if _usable(value) else 0
            base = ends.get(position, 0) if barmode == "stack" else 0
            bars.append((position, base, base + value))
            if barmode == "stack":
                ends[position] = base + value
        found.append((trace, bars))
    return found


def _gather(data: list[dict], shapes: list[dict], bars) -> dict[str, tuple[list, list, float]]:
    """Per axis ("x", "y"): the values placed on it, the extents, and its padding if it is a
    category axis."""
    # Values as the figure holds them: numbers, category names, None in a gap.
    x_values: list = []
    y_values: list = []
    x_ends: list = []
    y_ends: list = []
    pad = 0.25
    for trace in data:
        kind = _trace_type(trace)
        if kind == "scatter":
            xs, ys = trace.get("x") or [], trace.get("y") or []
            x_values += xs
            y_values += ys
            x_ends += _error_ends(trace, xs)
        elif kind == "heatmap":
            x_values += trace.get("x") or list(range(len((trace.get("z") or [[]])[0])))
            y_values += trace.get("y") or list(range(len(trace.get("z") or [])))
            pad = 0.5
    for trace, placed in bars:
        pad = 0.5
        horizontal = trace.get("orientation") == "h"
        positions = [p for p, _, _ in placed]
        ends = [v for _, base, end in placed for v in (base, end)]
        if horizontal:
            y_values += positions
            x_ends += ends
        else:
            x_values += positions
            y_ends += ends
    for shape in shapes:
        if shape.get("xref", "x") == "x":
            x_ends += [shape.get("x0"), shape.get("x1")]
    return {"x": (x_values, x_ends, pad), "y": (y_values, y_ends, pad)}


def _error_ends(trace: dict, xs: list) -> list[float]:
    error = trace.get("error_x") or {}
    plus = error.get("array") or []
    minus = error.get("arrayminus") or plus
    ends = []
    for x, high, low in zip(xs, plus, minus, strict=False):
        if _usable(x):
            ends += [x + (high or 0), x - (low or 0)]
    return ends


def _position_axis_is_numeric_bars(bars, horizontal: bool) -> bool:
    return any((t.get("orientation") == "h") == horizontal for t, _ in bars)


@dataclass
class Frame:
    """The figure's geometry: its size, the plot area and the two axes."""

    width: float
    height: float
    x: Axis
    y: Axis
    font: dict
    separators: str
    legend: list[dict]
    legend_rows: list[list[tuple[dict, float]]]

    @property
    def size(self) -> float:
        return float(self.font.get("size", 12))

    @property
    def color(self) -> str:
        return self.font.get("color", "#444444")


def _frame(figure: dict, width: float) -> Frame:
    data, layout = figure.get("data") or [], figure.get("layout") or {}
    bars = _stacked_bars(data, layout.get("barmode"))
    gathered = _gather(data, layout.get("shapes") or [], bars)
    x_values, x_ends, x_pad = gathered["x"]
    y_values, y_ends, y_pad = gathered["y"]
    x_spec, y_spec = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    x = _axis(x_spec, x_values, x_ends, x_pad, _position_axis_is_numeric_bars(bars, True))
    y = _axis(y_spec, y_values, y_ends, y_pad, _position_axis_is_numeric_bars(bars, False))
    horizontal_bars = any(t.get("orientation") == "h" for t, _ in bars)
    if horizontal_bars and y.kind == "linear" and y_spec.get("range") is None:
        numbers = [v for v in y_values if _usable(v)]  # bar positions: a slot each
        y.low, y.high = min(numbers, default=0) - 0.5, max(numbers, default=0) + 0.5
    font = {"size": 12, "color": "#444444", "family": "sans-serif"} | (layout.get("font") or {})
    frame = Frame(
        width=width,
        height=float(layout.get("height") or 400),
        x=x,
        y=y,
        font=font,
        separators=layout.get("separators") or ".,",
        legend=_legend_items(data, layout),
        legend_rows=[],
    )
    _place(frame, layout)
    return frame


def _legend_items(data: list[dict], layout: dict) -> list[dict]:
    items = [t for t in data if t.get("showlegend") is not False and t.get("name")]
    shown = layout.get("showlegend")
    return items if (shown is True or (shown is None and len(items) > 1)) else []


def _legend_rows(items: list[dict], width: float, size: float) -> list[list[tuple[dict, float]]]:
    rows: list[list[tuple[dict, float]]] = [[]]
    used = 0.0
    for item in items:
        item_width = 34 + text_width(str(item["name"]), size) + 18
        if rows[-1] and used + item_width > width:
            rows.append([])
            used = 0.0
        rows[-1].append((item, item_width))
        used += item_width
    return [row for row in rows if row]


def _tick_size(frame: Frame, axis: Axis) -> float:
    return float((axis.spec.get("tickfont") or {}).get("size", frame.size))


def _title(axis: Axis) -> str | None:
    title = axis.spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return text or None


def _place(frame: Frame, layout: dict) -> None:
    """The plot area: the layout's margins, widened to hold the tick labels, the axis titles
    and the legend (as plotly's automargin does)."""
    margin = {"l": 80, "r": 80, "t": 100, "b": 80} | (layout.get("margin") or {})
    legend_size = float(((layout.get("legend") or {}).get("font") or {}).get("size", frame.size))
    frame.legend_rows = _legend_rows(frame.legend, frame.width - 20, legend_size)
    legend_height = len(frame.legend_rows) * legend_size * 1.6
    left, top, bottom = float(margin["l"]), float(margin["t"]), 0.0
    frame.y.start, frame.y.end = frame.height - 40, 40  # for the tick count, until placed
    if frame.y.visible:
        size = _tick_size(frame, frame.y)
        labels = [t for _, t in frame.y.ticks(frame.separators)]
        left += max((_label_width(t, size) for t in labels), default=0) + 6
        if _title(frame.y):
            left += frame.size * 1.5
    if frame.x.visible:
        size = _tick_size(frame, frame.x)
        frame.x.start, frame.x.end = left, frame.width - margin["r"]
        lines = max((len(_lines(t)) for _, t in frame.x.ticks(frame.separators)), default=1)
        ticks = lines * size * 1.2 + 6
        if frame.x.spec.get("side") == "top":
            top = max(top, ticks + 4)
        else:
            bottom += ticks
        if _title(frame.x):
            bottom += len(_lines(_title(frame.x))) * frame.size * 1.2 + 6
    bottom = max(float(margin["b"]), bottom + 4) + legend_height
    frame.x.start, frame.x.end = left, frame.width - margin["r"]
    frame.y.start, frame.y.end = frame.height - bottom, top


# --- Drawing -----------------------------------------------------------------------------------


def _color_at(scale: list, fraction: float) -> str:
    for (start, color), (end, _) in zip(scale, scale[1:], strict=False):
        if start <= fraction <= end:
            return color
    return scale[-1][1] if fraction > 0.5 else scale[0][1]


DARK_INK = "#212529"


def _ink(color: str) -> str:
    """White or dark text on `color`, whichever contrasts more (WCAG's relative luminance)."""
    if not color.startswith("#") or len(color) != 7:
        return DARK_INK
    r, g, b = (_linear(int(color[n : n + 2], 16) / 255) for n in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    dark = 0.0164  # DARK_INK's luminance
    return (
        "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / (dark + 0.05) else DARK_INK
    )


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _grid(frame: Frame) -> list[str]:
    out = []
    for axis, vertical in ((frame.x, True), (frame.y, False)):
        color = axis.spec.get("gridcolor")
        if not color or not axis.visible or axis.kind == "category":
            continue
        for unit, _ in axis.ticks(frame.separators):
            p = axis.at(unit)
            if vertical:
                out.append(_line(p, frame.y.end, p, frame.y.start, color, 1))
            else:
                out.append(_line(frame.x.start, p, frame.x.end, p, color, 1))
    return out


def _line(x0, y0, x1, y1, color, width, dash: str | None = None) -> str:
    pattern = f' stroke-dasharray="{DASHES[dash]}"' if dash in DASHES else ""
    return (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{color}" '
        f'stroke-width="{width:g}"{pattern}/>'
    )


def _tick_labels(frame: Frame) -> list[str]:
    out = []
    if frame.x.visible:
        size = _tick_size(frame, frame.x)
        top = frame.x.spec.get("side") == "top"
        for unit, label in frame.x.ticks(frame.separators):
            lines = len(_lines(label))
            y = (
                frame.y.end - 6 - (lines - 1) * size * 1.2 - size * 0.25
                if top
                else frame.y.start + 6 + size * 0.9
            )
            out.append(_text(frame.x.at(unit), y, label, size, frame.color, middle=False))
    if frame.y.visible:
        size = _tick_size(frame, frame.y)
        for unit, label in frame.y.ticks(frame.separators):
            out.append(_text(frame.x.start - 6, frame.y.at(unit), label, size, frame.color, "end"))
    return out


def _axis_titles(frame: Frame) -> list[str]:
    out = []
    if frame.x.visible and _title(frame.x):
        size = _tick_size(frame, frame.x)
        lines = max((len(_lines(t)) for _, t in frame.x.ticks(frame.separators)), default=1)
        y = frame.y.start + 6 + lines * size * 1.2 + frame.size * 1.1
        # Centred under the plot, as plotly does, but never past the figure's edge.
        half = _label_width(_title(frame.x), frame.size) / 2 + 2
        middle = min(max((frame.x.start + frame.x.end) / 2, half), frame.width - half)
        out.append(_text(middle, y, _title(frame.x), frame.size, frame.color, middle=False))
    if frame.y.visible and _title(frame.y):
        x, y = frame.size * 0.9 + 2, (frame.y.start + frame.y.end) / 2
        turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"'
        out.append(_text(x, y, _title(frame.y), frame.size, frame.color, extra=turn))
    return out


def _heatmap(frame: Frame, trace: dict) -> list[str]:
    z = trace.get("z") or []
    xs = trace.get("x") or list(range(len(z[0]) if z else 0))
    ys = trace.get("y") or list(range(len(z)))
    texts = trace.get("text") or []
    scale = trace.get("colorscale") or [[0, "#ffffff"], [1, "#000000"]]
    values = [v for row in z for v in row if _usable(v)]
    low = trace.get("zmin", min(values, default=0))
    high = trace.get("zmax", max(values, default=1))
    size = float((trace.get("textfont") or {}).get("size", frame.size))
    out = []
    for r, row in enumerate(z):
        for c, value in enumerate(row):
            if not _usable(value):
                continue
            x, y = frame.x.unit(xs[c]), frame.y.unit(ys[r])
            if x is None or y is None:
                continue
            x0, x1 = sorted((frame.x.at(x - 0.5), frame.x.at(x + 0.5)))
            y0, y1 = sorted((frame.y.at(y - 0.5), frame.y.at(y + 0.5)))
            x0, x1 = x0 + trace.get("xgap", 0) / 2, x1 - trace.get("xgap", 0) / 2
            y0, y1 = y0 + trace.get("ygap", 0) / 2, y1 - trace.get("ygap", 0) / 2
            color = _color_at(scale, (value - low) / ((high - low) or 1))
            out.append(_rect(x0, y0, x1 - x0, y1 - y0, color))
            label = texts[r][c] if r < len(texts) and c < len(texts[r]) else None
            if label:
                label = _cell_label(str(label), x1 - x0 - 4, size)
                # Smaller to fit its cell (the estimate is a little wide, so a little less).
                fitted = min(size, size * (x1 - x0 - 2) / max(0.92 * _label_width(label, size), 1))
                ink = _ink(color)
                out.append(
                    _text((x0 + x1) / 2, (y0 + y1) / 2, label, round(max(fitted, 7), 1), ink)
                )
    return out


def _cell_label(label: str, room: float, size: float) -> str:
    """The label on two lines when that lets it keep most of its size in the cell."""
    words = label.split()
    if len(words) < 2 or text_width(label, size) <= room:
        return label
    half = min(range(1, len(words)), key=lambda n: abs(len(" ".join(words[:n])) - len(label) / 2))
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def _rect(x, y, width, height, color) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{color}"/>'
    )


def _bars(frame: Frame, trace: dict, placed: list, default_color: str) -> list[str]:
    horizontal = trace.get("orientation") == "h"
    colors = (trace.get("marker") or {}).get("color", default_color)
    position_axis, value_axis = (frame.y, frame.x) if horizontal else (frame.x, frame.y)
    out = []
    for n, (position, base, end) in enumerate(placed):
        p = position_axis.unit(position)
        v0, v1 = value_axis.px(base), value_axis.px(end)
        if p is None or v0 is None or v1 is None:
            continue
        a, b = sorted((position_axis.at(p - 0.4), position_axis.at(p + 0.4)))
        color = colors[n] if isinstance(colors, list) else colors
        low, high = sorted((v0, v1))
        if horizontal:
            out.append(_rect(low, a, high - low, b - a, color))
        else:
            out.append(_rect(a, low, b - a, high - low, color))
    return out


def _points(frame: Frame, trace: dict) -> list[tuple[float, float] | None]:
    """Each point in pixels; None where it has no place (a gap)."""
    found = []
    for x, y in zip(trace.get("x") or [], trace.get("y") or [], strict=False):
        px, py = frame.x.px(x), frame.y.px(y)
        found.append(None if px is None or py is None else (px, py))
    return found


def _runs[T](points: list[T | None]) -> list[list[T]]:
    runs: list[list[T]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _fill(
    frame: Frame, trace: dict, previous: list[tuple[float, float] | None], color: str
) -> list[str]:
    kind = trace.get("fill")
    fill = trace.get("fillcolor") or color
    points = _points(frame, trace)
    out = []
    if kind == "tozeroy":
        zero = frame.y.px(0)
        base = zero if zero is not None else frame.y.start
        for run in _runs(points):
            shape = [(run[0][0], base), *run, (run[-1][0], base)]
            out.append(f'<path d="{_path(shape)}Z" fill="{fill}" stroke="none"/>')
    elif kind == "tonexty" and previous:
        pairs = [a and b and (a, b) for a, b in zip(points, previous, strict=False)]
        for paired in _runs(pairs):
            shape = [a for a, _ in paired] + [b for _, b in reversed(paired)]
            out.append(f'<path d="{_path(shape)}Z" fill="{fill}" stroke="none"/>')
    return out


def _scatter(frame: Frame, trace: dict, color: str) -> list[str]:
    mode = trace.get("mode") or "lines+markers"
    line = trace.get("line") or {}
    points = _points(frame, trace)
    out = []
    if "lines" in mode and line.get("width", 2) > 0:
        pattern = DASHES.get(line.get("dash") or "")
        dash = f' stroke-dasharray="{pattern}"' if pattern else ""
        for run in _runs(points):
            out.append(
                f'<path d="{_path(run)}" fill="none" stroke="{line.get("color", color)}" '
                f'stroke-width="{line.get("width", 2):g}" stroke-linejoin="round"{dash}/>'
            )
    out += _error_bars(frame, trace, points)
    if "markers" in mode:
        out += _markers(trace, points, line.get("color", color))
    if "text" in mode:
        out += _point_texts(frame, trace, points)
    return out


def _error_bars(frame: Frame, trace: dict, points: list) -> list[str]:
    error = trace.get("error_x") or {}
    plus = error.get("array") or []
    minus = error.get("arrayminus") or plus
    color, width = error.get("color", "#444444"), error.get("thickness", 2)
    out = []
    for point, x, high, low in zip(points, trace.get("x") or [], plus, minus, strict=False):
        if point is None or not (high or low):
            continue
        x0, x1 = frame.x.px(x - (low or 0)), frame.x.px(x + (high or 0))
        x0 = frame.x.start if x0 is None else x0
        y = point[1]
        out.append(_line(x0, y, x1 if x1 is not None else frame.x.end, y, color, width))
        for end in (x0, x1):
            if end is not None:
                out.append(_line(end, y - 4, end, y + 4, color, width))
    return out


def _each(value, n: int):
    return value[n] if isinstance(value, list) else value


def _markers(trace: dict, points: list, color: str) -> list[str]:
    marker = trace.get("marker") or {}
    edge = marker.get("line") or {}
    out = []
    for n, point in enumerate(points):
        if point is None:
            continue
        fill = _each(marker.get("color", color), n)
        radius = float(_each(marker.get("size", 6), n)) / 2
        if str(_each(marker.get("symbol", "circle"), n)).endswith("-open"):
            stroke, width, fill = fill, edge.get("width", 1) or 1, "none"
        else:
            stroke, width = _each(edge.get("color", fill), n), edge.get("width", 0)
        out.append(
            f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="{radius:g}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{width:g}"/>'
        )
    return out


def _point_texts(frame: Frame, trace: dict, points: list) -> list[str]:
    font = trace.get("textfont") or {}
    size = float(font.get("size", frame.size))
    color = font.get("color", frame.color)
    radius = float((trace.get("marker") or {}).get("size", 6)) / 2
    out = []
    for n, point in enumerate(points):
        label = _each(trace.get("text"), n)
        if point is None or label is None:
            continue
        where = str(_each(trace.get("textposition", "middle center"), n))
        x, y = point
        anchor = "start" if "right" in where else "end" if "left" in where else "middle"
        x += radius + 2 if anchor == "start" else -(radius + 2) if anchor == "end" else 0
        if where.startswith("bottom"):
            y += radius + size * 0.9
        elif where.startswith("top"):
            y -= radius + size * 0.3
        else:
            y += size * 0.35
        out.append(_text(x, y, label, size, color, anchor, middle=False))
    return out


def _shapes(frame: Frame, shapes: list[dict]) -> list[str]:
    out = []
    for shape in shapes:
        if shape.get("type", "line") != "line":
            continue
        x0, x1 = frame.x.px(shape.get("x0")), frame.x.px(shape.get("x1"))
        if x0 is None or x1 is None:
            continue
        y0, y1 = (
            frame.y.start + (frame.y.end - frame.y.start) * shape.get(k, 0) for k in ("y0", "y1")
        )
        line = shape.get("line") or {}
        color = line.get("color", "#444444")
        out.append(_line(x0, y0, x1, y1, color, line.get("width", 2), line.get("dash")))
        label = shape.get("label") or {}
        if label.get("text"):
            font = label.get("font") or {}
            size = float(font.get("size", frame.size))
            side = label.get("xanchor", "center")
            anchor = {"left": "start", "right": "end"}.get(side, "middle")
            x = x1 + (3 if anchor == "start" else -3 if anchor == "end" else 0)
            out.append(
                _text(
                    x, min(y0, y1) - 4, label["text"], size, font.get("color", color), anchor, False
                )
            )
    return out


def _annotations(frame: Frame, annotations: list[dict]) -> list[str]:
    out = []
    for note in annotations:
        x, y = frame.x.px(note.get("x")), frame.y.px(note.get("y"))
        if x is None or y is None:
            continue
        font = note.get("font") or {}
        side = note.get("xanchor", "center")
        anchor = {"left": "start", "right": "end"}.get(side, "middle")
        x += note.get("xshift", 0)
        size = float(font.get("size", frame.size))
        out.append(_text(x, y, note.get("text", ""), size, font.get("color", frame.color), anchor))
    return out


def _legend(frame: Frame, layout: dict, colors: dict[int, str]) -> list[str]:
    size = float(((layout.get("legend") or {}).get("font") or {}).get("size", frame.size))
    out = []
    y = frame.height - len(frame.legend_rows) * size * 1.6 + size * 0.8
    for row in frame.legend_rows:
        x = 10.0
        for item, width in row:
            color = colors[id(item)]
            out.append(_legend_key(item, x, y, color))
            out.append(_text(x + 34, y, str(item["name"]), size, frame.color, "start"))
            x += width
        y += size * 1.6
    return out


def _legend_key(item: dict, x: float, y: float, color: str) -> str:
    if _trace_type(item) == "bar" or (
        "lines" not in (item.get("mode") or "lines") and item.get("fill")
    ):
        fill = (item.get("marker") or {}).get("color", item.get("fillcolor") or color)
        return _rect(x, y - 6, 28, 12, fill if isinstance(fill, str) else color)
    if item.get("fill") and (item.get("line") or {}).get("width", 2) == 0:
        return _rect(x, y - 6, 28, 12, item.get("fillcolor") or color)
    key = ""
    if "lines" in (item.get("mode") or "lines"):
        key += _line(x, y, x + 28, y, (item.get("line") or {}).get("color", color), 3)
    if "markers" in (item.get("mode") or ""):
        marker = item.get("marker") or {}
        fill = marker.get("color", color)
        fill = fill if isinstance(fill, str) else color
        key += f'<circle cx="{x + 14:.1f}" cy="{y:.1f}" r="5" fill="{fill}"/>'
    return key


def figure_svg(figure: dict, width: int, *, attributes: str = "") -> str:
    """The figure (plotly's JSON: `data` and `layout`) as an SVG `width` pixels wide, of the
    layout's height. `attributes` go on the <svg> element as they are."""
    frame = _frame(figure, float(width))
    layout = figure.get("layout") or {}
    data = figure.get("data") or []
    background = layout.get("paper_bgcolor", "#ffffff")
    parts = [_rect(0, 0, frame.width, frame.height, background)]
    plot_background = layout.get("plot_bgcolor", background)
    if plot_background != background:
        parts.append(
            _rect(
                frame.x.start,
                frame.y.end,
                frame.x.end - frame.x.start,
                frame.y.start - frame.y.end,
                plot_background,
            )
        )
    parts += _grid(frame)
    parts += _traces(frame, data, layout)
    parts += _shapes(frame, layout.get("shapes") or [])
    parts += _annotations(frame, layout.get("annotations") or [])
    parts += _tick_labels(frame)
    parts += _axis_titles(frame)
    colors = {id(t): _trace_color(t, n) for n, t in enumerate(data)}
    parts += _legend(frame, layout, colors)
    family = escape(str(frame.font.get("family", "sans-serif")))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{frame.height:g}" '
        f'viewBox="0 0 {width} {frame.height:g}" font-family="{family}"{attributes}>'
        + "".join(parts)
        + "</svg>"
    )


def _trace_color(trace: dict, n: int) -> str:
    marker = (trace.get("marker") or {}).get("color")
    line = (trace.get("line") or {}).get("color")
    default = PLOTLY_COLORWAY[n % len(PLOTLY_COLORWAY)]
    return line or (marker if isinstance(marker, str) else None) or default


def _traces(frame: Frame, data: list[dict], layout: dict) -> list[str]:
    bars = {id(t): placed for t, placed in _stacked_bars(data, layout.get("barmode"))}
    fills, marks = [], []
    previous: list[tuple[float, float] | None] = []
    for n, trace in enumerate(data):
        kind, color = _trace_type(trace), _trace_color(trace, n)
        if kind == "heatmap":
            marks += _heatmap(frame, trace)
        elif kind == "bar":
            marks += _bars(frame, trace, bars[id(trace)], color)
        elif kind == "scatter":
            fills += _fill(frame, trace, previous, color)
            marks += _scatter(frame, trace, color)
            previous = _points(frame, trace)
    return fills + marks
