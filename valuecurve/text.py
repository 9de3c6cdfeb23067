"""Text that has to fit a fixed room (a poster): its length as the page sees it, and
shortening that keeps whole sentences.

Pure functions: the forms that limit what is written and the documents that lay it out
count the same way.
"""

import re
import unicodedata

ELLIPSIS = "…"
# After one of these, a space (or, for CJK full stops, nothing) ends a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])\s*(?=\S)")
# Abbreviations that end with a full stop but not a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Ms.", "Mrs.", "St.", "No.")


def flat(text: str) -> str:
    """The text on one line: runs of white space become one space."""
    return " ".join(text.split())


def is_wide(character: str) -> bool:
    """Chinese, Japanese and Korean characters take about twice a Latin letter's room."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def poster_length(text: str) -> int:
    """The room text takes on a poster, in Latin characters: wide characters count twice."""
    return sum(2 if is_wide(c) else 1 for c in flat(text))


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(flat(text))
    merged: list[str] = []
    for part in parts:
        if merged and merged[-1].endswith(_ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [p for p in merged if p]


def first_sentences(text: str, limit: int) -> str:
    """The longest run of whole sentences from the start within `limit`; "" when even the
    first sentence is longer."""
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}" if kept else sentence
        if poster_length(candidate) > limit:
            break
        kept = candidate
    return kept


def shorten(text: str, limit: int) -> str:
    """The text whole when it fits in `limit`; else its first whole sentences; else, for a
    single sentence too long (a name, a title), the words that fit and an ellipsis, never
    cut inside a word (text without spaces, as Chinese, is cut between characters)."""
    text = flat(text)
    if poster_length(text) <= limit:
        return text
    kept = first_sentences(text, limit)
    if kept:
        return kept
    return _words_that_fit(text, limit - 1).rstrip(" ,.;:、，") + ELLIPSIS


def _words_that_fit(text: str, limit: int) -> str:
    used = 0
    end = 0
    for n, character in enumerate(text):
        used += 2 if is_wide(character) else 1
        if used > limit:
            break
        end = n + 1
    cut = text[:end]
    if end < len(text) and not text[end].isspace() and not is_wide(text[end]):
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut
