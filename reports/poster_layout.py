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
SAFETY = 1.04
FALLBACK_EM = 0.56  # a glyph's width when its font cannot be read
# A line mixing fonts (Noto Sans Arabic or CJK beside Noto Sans) is taller than its line
# height: each font's ascent and descent align on one baseline. Measured in WeasyPrint; Arabic
# text is set in Noto Sans Arabic first (poster_tags.script_class), which keeps it near 1.
ARABIC_LEADING = 1.1
WIDE_LEADING = 1.1
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
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


@lru_cache(maxsize=65536)
def _word_em(word: str, bold: bool) -> float:
    return sum(em_width(c, bold) for c in word)


@lru_cache(maxsize=16384)  # a poster tries each text at a dozen sizes: each measured once
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
        width = _word_em(word, bold)
        if x > 0 and x + width > room:
            lines, x = lines + 1, 0.0
        while width > room:
            lines, width = lines + 1, width - room
        x += width
    return lines


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_split_words(text))


def _split_words(text: str) -> Iterable[str]:
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


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


@lru_cache(maxsize=4096)
def leading_factor(text: str) -> float:
    if is_arabic(text):
        return ARABIC_LEADING
    return WIDE_LEADING if any(map(is_wide, text)) else 1.0


@dataclass(frozen=True)
class Text:
    """A paragraph to place: its text, size, line height and weight."""

    text: str
    size: float
    leading: float = 1.3
    bold: bool = False

    def height(self, width_pt: float) -> float:
        lines = line_count(self.text, width_pt, self.size, self.bold)
        return lines * self.size * self.leading * leading_factor(self.text)


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


HEAD_MAX = 1.7  # inches: a header taller than this sets its names smaller
TITLE_SIZES = (38, 34, 30, 26, 22, 20, 18, 16)
SUBTITLE_SIZES = (18, 16, 14, 12, 11)


def heading(title: str, subtitle: str, width_in: float, extra_in: float = 0.0) -> Heading:
    """The largest title (then subtitle) whose header stays under HEAD_MAX, the title in
    three lines at most, the subtitle in two. `extra_in`: what the header holds besides
    (the cohort's commitment)."""
    width = width_in * PT
    candidates = [
        _heading(title, subtitle, width, t, s, extra_in)
        for t in TITLE_SIZES
        if line_count(title, width, t, bold=True) <= (2 if t > 22 else 3)
        for s in SUBTITLE_SIZES
        if line_count(subtitle, width, s) <= 2
    ]
    fitting = [h for h in candidates if h.height - extra_in <= HEAD_MAX]
    if fitting:
        return fitting[0]
    return candidates[-1] if candidates else _heading(title, subtitle, width, 16, 11, extra_in)


def _heading(title, subtitle, width, title_pt, subtitle_pt, extra_in) -> Heading:
    lines = Text(title, title_pt, 1.15, bold=True).height(width)
    lines += Text(subtitle, subtitle_pt, 1.4).height(width)
    # Kicker (12 pt), the gap under it, padding and rule.
    return Heading(title_pt, subtitle_pt, (12 * 1.4 + lines) * SAFETY / PT + 0.22 + extra_in)


# --- The organization's poster ----------------------------------------------------------------

STEP_MAX_PT = 15.0
STATEMENT_MAX_PT = 18.0
DISPARITY_MAX_PT = 12.0
CURVE_HEIGHT = 2.9  # inches, at its natural size; it shrinks to give the columns room
CURVE_ASPECT = 620 / 250
MIDDLE_MIN = 2.0
CURVE_MIN = 1.6
CURVE_PREFERRED = 2.4
DISPARITY_WIDTH = 4.0  # its text's width; its padding and white edge beside it:
DISPARITY_EDGES = 0.14 + 0.4
BAND = 0.62  # a column's coloured band
FOOT = 0.32
STEPS_TOP = 0.08  # the steps' margin, inside a column's height
GAPS = 0.24 + STEPS_TOP + 0.06  # around the middle row, above the steps, the column's rule


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
    width = DISPARITY_WIDTH * PT
    texts = [Text("Does race still predict our outcomes?", 13, 1.15, bold=True)]
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
    # First with the curve near its full size, then letting it shrink, then without summaries.
    passes = (
        (True, 12.0, CURVE_PREFERRED),
        (True, MIN_PT, MIDDLE_MIN),
        (False, MIN_PT, MIDDLE_MIN),
    )
    for summaries, statement_floor, least in passes:
        for size in steps_between(STEP_MAX_PT):
            room = page.height - fixed - columns_height(columns, page, size, summaries)
            rows = _middle(page, statement, disparity, room, min(size, statement_floor), least)
            if rows is not None:
                return _fit(page, heading, statement, disparity, size, *rows, summaries, True)
    rows = (MIDDLE_MIN, CURVE_MIN)
    return _fit(page, heading, statement, disparity, MIN_PT, *rows, False, False)


def _commitment_width(page: Page, curve: float, disparity: bool) -> float:
    # A table cell's width is its content's: padding and borders come on top.
    beside = DISPARITY_WIDTH + DISPARITY_EDGES if disparity else 0
    return page.width - curve * CURVE_ASPECT - 0.2 - beside


def _middle(
    page, statement, disparity, room: float, floor: float, least: float
) -> tuple[float, float] | None:
    """The middle row's height and the curve's: the curve's own height, or the room left
    if the statement or the disparity panel needs more at `floor` pt; the curve drawn
    smaller when that gives the statement the width it needs. None if nothing fits, or
    `room` is under `least`."""
    if room < least:
        return None
    heights = [min(room, CURVE_HEIGHT)] + ([room] if room > CURVE_HEIGHT else [])
    for middle in heights:
        if disparity and disparity_height(disparity, MIN_PT) > middle:
            continue
        curve = min(middle, CURVE_HEIGHT)
        while curve >= CURVE_MIN:
            width = _commitment_width(page, curve, bool(disparity))
            if statement_height(statement, width, floor) <= middle:
                return middle, curve
            curve -= 0.3
    return None


def _fit(page, heading, statement, disparity, size, middle, curve, summaries, fits) -> PosterFit:
    width = _commitment_width(page, curve, bool(disparity))
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
        curve_height=curve,
        columns=page.height - fixed - middle - SLACK + STEPS_TOP,
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
    """The commitment whole under the header, across the page, as large as fits in three
    lines (else at the minimum); the goals as large as fit beside the chart; the steps as
    large as fit the rest."""
    width = page.width * PT
    commitment_pt = (
        largest(steps_between(14.0), lambda s: line_count(commitment, width, s) <= 3) or MIN_PT
    )
    extra = Text(commitment, commitment_pt, 1.35).height(width) * SAFETY / PT + 0.08
    head = heading(name, "", page.width - COHORT_FACTS_WIDTH, extra_in=extra)
    goal_width = (page.width - 7.4 - 0.44) * PT / (2 if two_columns else 1) - 0.3 * PT
    goal_pt = largest(
        steps_between(14.0),
        lambda s: _goals_height(goals, goal_width, s, two_columns) <= COHORT_MIDDLE - GOALS_HEADING,
    )
    room = page.height - head.height - FOOT - GAPS - BAND - COHORT_MIDDLE - COHORT_NOTE - SLACK
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
        columns=room + BAND + STEPS_TOP,
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
