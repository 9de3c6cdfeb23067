"""How large a poster's text can be: the largest sizes at which everything fits on its one
page, between a readable minimum and a maximum, so a short plan is set large and a long one
still fits.

Pure: text is measured with the advance widths of the fonts the poster uses (Noto Sans,
read once with fontTools; Chinese, Japanese and Korean characters one em wide), wrapped
line by line as the page wraps it, and stacked in the poster's geometry. The tests render
the posters with WeasyPrint and check, from its layout boxes, that the estimate holds.
"""

import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from valuecurve.text import is_wide

PT = 72  # points per inch
MIN_PT = 9.0  # no text under this on a poster (11 x 17 in and A3 alike)
# Estimates are kept this much under the room they have, for what they do not model
# (kerning, shaping, a browser's line breaking).
SAFETY = 1.06
FALLBACK_EM = 0.56  # a glyph's width when its font cannot be read
WIDE_LEADING = 1.2
SLACK = 0.15  # inches left free at the foot of the columns, for what the estimate misses
_TOKEN = re.compile(r"\s+|[^\s]")


# --- Measuring text --------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _advances(bold: bool) -> dict[int, float]:
    """Em widths of Noto Sans by code point; empty when the font is not found."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return {}
    try:
        from fontTools.ttLib import TTFont  # WeasyPrint's own font library

        pattern = "Noto Sans:bold" if bold else "Noto Sans:regular"
        path = subprocess.run(
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=True
        ).stdout
        font = TTFont(path, lazy=True)
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    except Exception:  # no font, or one fontTools cannot read: estimate without it
        return {}


def em_width(character: str, bold: bool = False) -> float:
    if is_wide(character):
        return 1.0
    return _advances(bold).get(ord(character), FALLBACK_EM)


def line_count(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
    """The lines `text` takes at `size_pt` in a box `width_pt` wide: words wrap whole, wide
    characters one by one, and a word longer than the line breaks inside (as
    `overflow-wrap: break-word` does)."""
    if not text:
        return 0
    room = width_pt / size_pt  # in ems
    lines, x = 1, 0.0
    space = em_width(" ", bold)
    for word in _words(text):
        if word == " ":
            x += space
            continue
        width = sum(em_width(c, bold) for c in word)
        if x > 0 and x + width > room:
            lines, x = lines + 1, 0.0
        while width > room:
            lines, width = lines + 1, width - room
        x += width
    return lines


def _words(text: str) -> Iterable[str]:
    word = ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace() or is_wide(token):
            if word:
                yield word
                word = ""
            yield " " if token.isspace() else token
        else:
            word += token
    if word:
        yield word


@dataclass(frozen=True)
class Text:
    """A paragraph to place: its text, size, line height and weight."""

    text: str
    size: float
    leading: float = 1.3
    bold: bool = False

    def height(self, width_pt: float) -> float:
        lines = line_count(self.text, width_pt, self.size, self.bold)
        # A line mixing fonts (a CJK fallback font beside Noto Sans) is taller than its
        # line height: each font's ascent and descent align on one baseline.
        leading = self.leading * (WIDE_LEADING if any(map(is_wide, self.text)) else 1)
        return lines * self.size * leading


def stack_height(texts: Iterable[Text], width_pt: float) -> float:
    return sum(t.height(width_pt) for t in texts)


def largest(sizes: Iterable[float], fits: Callable[[float], bool]) -> float | None:
    """The first of `sizes` (largest first) at which `fits`; None if none does."""
    return next((s for s in sizes if fits(s)), None)


def steps_between(high: float, low: float = MIN_PT, step: float = 0.5) -> list[float]:
    count = round((high - low) / step)
    return [high - n * step for n in range(count + 1)]


# --- The page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """The printable area of a poster, in inches (page size less the 0.45 in margins)."""

    width: float
    height: float


PAGES = {"tabloid": Page(17 - 0.9, 11 - 0.9), "a3": Page(420 / 25.4 - 0.9, 297 / 25.4 - 0.9)}


@dataclass(frozen=True)
class Heading:
    """The poster's title and the line under it, sized to fit two lines each (a very long
    title three)."""

    title_pt: float
    subtitle_pt: float
    height: float  # inches, kicker and rule included


def heading(title: str, subtitle: str, width_in: float, extra_in: float = 0.0) -> Heading:
    """`extra_in`: what the header holds besides (the cohort's commitment)."""
    width = width_in * PT
    title_pt = (
        largest((38, 34, 30, 26, 22), lambda s: line_count(title, width, s, bold=True) <= 2)
        or largest((20, 18), lambda s: line_count(title, width, s, bold=True) <= 3)
        or 16
    )
    subtitle_pt = largest((18, 16, 14, 12), lambda s: line_count(subtitle, width, s) <= 2) or 11
    lines = Text(title, title_pt, 1.15, bold=True).height(width) + Text(
        subtitle, subtitle_pt, 1.4
    ).height(width)
    # Kicker (12 pt), the gap under it, padding and rule.
    return Heading(title_pt, subtitle_pt, (12 * 1.4 + lines) * SAFETY / PT + 0.22 + extra_in)


# --- The organization's poster ----------------------------------------------------------------

STEP_MAX_PT = 15.0
STATEMENT_MAX_PT = 18.0
DISPARITY_MAX_PT = 12.0
CURVE_HEIGHT = 2.9  # inches, at its natural size; it shrinks to give the columns room
CURVE_ASPECT = 620 / 250
MIDDLE_MIN = 2.0
DISPARITY_WIDTH = 4.4
BAND = 0.62  # a column's coloured band
FOOT = 0.32
GAPS = 0.24 + 0.08 + 0.06  # around the middle row, above the steps, the column's rule


@dataclass(frozen=True)
class StepText:
    """A step as the poster prints it: a bold line, an optional summary under it (dropped
    first when the poster is short of room) and the owner, due date and status."""

    head: str
    summary: str
    meta: str


@dataclass(frozen=True)
class PosterFit:
    heading: Heading
    step_pt: float
    meta_pt: float
    statement_pt: float
    disparity_pt: float
    middle: float  # inches
    curve_height: float
    columns: float  # the columns' height, band included: to the foot of the page
    summaries: bool  # whether the steps' summaries are printed
    fits: bool  # False only if even the smallest sizes do not fit (the tests say never)

    @property
    def curve_width(self) -> float:
        return self.curve_height * CURVE_ASPECT


def meta_size(step_pt: float) -> float:
    return max(MIN_PT, step_pt - 1.5)


def step_height(step: StepText, width_pt: float, size: float, summaries: bool) -> float:
    """Points: the step's lines and the space under it."""
    texts = [Text(step.head, size, 1.2, bold=True), Text(step.meta, meta_size(size), 1.3)]
    if summaries and step.summary:
        texts.append(Text(step.summary, size, 1.3))
    return stack_height(texts, width_pt) + 0.35 * size


def column_inner_width(page: Page) -> float:
    """Points: a column's text width (four columns 0.2 in apart, the list's indent)."""
    return ((page.width - 3 * 0.2) / 4 - 0.32) * PT


def columns_height(
    columns: list[list[StepText]], page: Page, size: float, summaries: bool
) -> float:
    """Inches: the tallest column's steps."""
    width = column_inner_width(page)
    tallest = max(
        (sum(step_height(s, width, size, summaries) for s in c) for c in columns), default=0
    )
    return tallest * SAFETY / PT


def statement_height(statement: str, width_in: float, size: float) -> float:
    """Inches: the commitment box (its heading, the statement, the padding)."""
    text = statement or "No commitment statement has been written yet."
    body = Text(text, size, 1.35).height((width_in - 0.44) * PT)
    return (18 * 1.15 + body) * SAFETY / PT + 0.06 + 0.32


def disparity_height(lines: list[tuple[str, str]], size: float) -> float:
    """Inches: the disparity panel, each measure a (name, headline) pair."""
    width = (DISPARITY_WIDTH - 0.54) * PT
    texts = [Text("Does race still predict our outcomes?", 14, 1.15, bold=True)]
    for name, headline in lines:
        texts += [Text(name, size, 1.4, bold=True), Text(headline, size, 1.4)]
    texts.append(Text("Counts of 1 to 10 are suppressed. Details in the report.", MIN_PT, 1.4))
    return stack_height(texts, width) * SAFETY / PT + 0.06 + 0.32 + 0.06 * len(lines)


def poster_fit(
    *,
    page: Page,
    heading: Heading,
    statement: str,
    disparity: list[tuple[str, str]],
    columns: list[list[StepText]],
) -> PosterFit:
    """The largest step text first (the plan is what the poster is for), then the largest
    statement in the room left. Summaries are dropped only when nothing fits with them."""
    fixed = heading.height + FOOT + GAPS + BAND + SLACK
    # First with the curve at its full size, then letting it shrink, then without summaries.
    passes = ((True, 12.0, CURVE_HEIGHT), (True, MIN_PT, MIDDLE_MIN), (False, MIN_PT, MIDDLE_MIN))
    for summaries, statement_floor, least in passes:
        for size in steps_between(STEP_MAX_PT):
            room = page.height - fixed - columns_height(columns, page, size, summaries)
            middle = _middle(page, statement, disparity, room, min(size, statement_floor), least)
            if middle is not None:
                return _fit(page, heading, statement, disparity, size, middle, summaries, True)
    return _fit(page, heading, statement, disparity, MIN_PT, MIDDLE_MIN, False, False)


def _commitment_width(page: Page, middle: float, disparity: bool) -> float:
    curve = min(middle, CURVE_HEIGHT) * CURVE_ASPECT + 0.2
    return page.width - curve - (DISPARITY_WIDTH if disparity else 0)


def _middle(page, statement, disparity, room: float, floor: float, least: float) -> float | None:
    """The middle row's height: the curve's own, or more if the statement or the
    disparity panel needs it at `floor` pt; None if that is more than `room` or `room` is
    under `least`."""
    if room < least:
        return None
    middle = min(room, CURVE_HEIGHT)
    for _ in range(3):  # a taller row widens the curve and narrows the statement: settle
        needed = statement_height(
            statement, _commitment_width(page, middle, bool(disparity)), floor
        )
        if disparity:
            needed = max(needed, disparity_height(disparity, floor))
        if needed <= middle:
            return middle
        if needed > room:
            return None
        middle = needed
    return middle


def _fit(page, heading, statement, disparity, size, middle, summaries, fits) -> PosterFit:
    width = _commitment_width(page, middle, bool(disparity))
    statement_pt = largest(
        steps_between(STATEMENT_MAX_PT), lambda s: statement_height(statement, width, s) <= middle
    )
    disparity_pt = largest(
        steps_between(DISPARITY_MAX_PT), lambda s: disparity_height(disparity, s) <= middle
    )
    fixed = heading.height + FOOT + GAPS
    return PosterFit(
        heading=heading,
        step_pt=size,
        meta_pt=meta_size(size),
        statement_pt=statement_pt or MIN_PT,
        disparity_pt=disparity_pt or MIN_PT,
        middle=middle,
        curve_height=min(middle, CURVE_HEIGHT),
        columns=page.height - fixed - middle - SLACK,
        summaries=summaries,
        fits=fits,
    )


# --- The cohort's poster ----------------------------------------------------------------------

COHORT_FACTS_WIDTH = 6.2
COHORT_MIDDLE = 2.9  # the levels chart and its caption, beside the goals
COHORT_NOTE = 0.3  # the line above the columns
GOALS_HEADING = 18 * 1.15 / PT + 0.06 + 0.32


@dataclass(frozen=True)
class CohortFit:
    heading: Heading
    commitment_pt: float
    goal_pt: float
    step_pt: float
    meta_pt: float
    columns: float
    fits: bool


def cohort_fit(
    *,
    page: Page,
    name: str,
    commitment: str,
    goals: list[tuple[str, str]],
    two_columns: bool,
    columns: list[list[tuple[str, str]]],
) -> CohortFit:
    """The commitment under the name, whole, as large as fits in four lines (then smaller);
    the goals as large as fit beside the chart; the steps as large as fit the rest."""
    width = (page.width - COHORT_FACTS_WIDTH) * PT
    commitment_pt = (
        largest(steps_between(14.0, 11.0), lambda s: line_count(commitment, width, s) <= 4) or 11.0
    )
    extra = Text(commitment, commitment_pt, 1.35).height(width) * SAFETY / PT + 0.04
    head = heading(name, "", page.width - COHORT_FACTS_WIDTH, extra_in=extra)
    goal_width = (page.width - 7.4 - 0.44) * PT / (2 if two_columns else 1) - 0.3 * PT
    goal_pt = largest(
        steps_between(14.0),
        lambda s: _goals_height(goals, goal_width, s, two_columns) <= COHORT_MIDDLE - GOALS_HEADING,
    )
    room = page.height - head.height - FOOT - GAPS - BAND - COHORT_MIDDLE - COHORT_NOTE
    step_width = column_inner_width(page)
    step_pt = largest(
        steps_between(STEP_MAX_PT),
        lambda s: _cohort_columns_height(columns, step_width, s) <= room,
    )
    return CohortFit(
        heading=head,
        commitment_pt=commitment_pt,
        goal_pt=goal_pt or MIN_PT,
        step_pt=step_pt or MIN_PT,
        meta_pt=meta_size(step_pt or MIN_PT),
        columns=room + BAND,
        fits=goal_pt is not None and step_pt is not None,
    )


def _goals_height(goals, width: float, size: float, two_columns: bool) -> float:
    heights = [
        Text(title, size, 1.2, bold=True).height(width)
        + Text(meta, meta_size(size)).height(width)
        + 0.5 * size
        for title, meta in goals
    ]
    if two_columns:  # balanced columns: the taller half, near enough
        half = (len(heights) + 1) // 2
        return max(sum(heights[:half]), sum(heights[half:])) * SAFETY / PT
    return sum(heights) * SAFETY / PT


def _cohort_columns_height(columns, width: float, size: float) -> float:
    tallest = max(
        (
            sum(
                Text(title, size, 1.2, bold=True).height(width)
                + Text(count, meta_size(size)).height(width)
                + 0.5 * size
                for title, count in column
            )
            for column in columns
        ),
        default=0,
    )
    return tallest * SAFETY / PT
