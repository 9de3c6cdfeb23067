"""Race and ethnicity groups for outcome data: the 2024 federal standard (SPD 15, 2024 revision).

One combined question with seven minimum categories, plus "multiracial", "another race or
ethnicity" and "unknown". Unknown counts are kept in totals but never compared with the other
groups (an unknown group is not a racial identity). Data recorded under the 1997 standard are
mapped onto these keys by `group_from_text`; see `STANDARD_1997_NOTE` for why such periods are
not fully comparable with later ones.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy, gettext_noop

# English labels, marked for translation here and translated lazily in GROUPS.
_LABELS = (
    ("aian", gettext_noop("American Indian or Alaska Native")),
    ("asian", gettext_noop("Asian")),
    ("black", gettext_noop("Black or African American")),
    ("hispanic", gettext_noop("Hispanic or Latino")),
    ("mena", gettext_noop("Middle Eastern or North African")),
    ("nhpi", gettext_noop("Native Hawaiian or Pacific Islander")),
    ("white", gettext_noop("White")),
    ("multiracial", gettext_noop("Multiracial (two or more groups)")),
    ("other", gettext_noop("Another race or ethnicity")),
    ("unknown", gettext_noop("Unknown or not reported")),
)

UNKNOWN = "unknown"
GROUPS = tuple((key, gettext_lazy(label)) for key, label in _LABELS)
GROUP_KEYS = tuple(key for key, _label in _LABELS)
COMPARED_GROUPS = tuple(key for key in GROUP_KEYS if key != UNKNOWN)

STANDARD_1997_NOTE = gettext_lazy(
    "Data recorded under the 1997 standard count Middle Eastern or North African people as "
    "White and ask about Hispanic or Latino ethnicity separately from race, so those periods are "
    "mapped to the 2024 groups but are not fully comparable with later ones."
)

# Labels of the 1997 standard and common short forms, besides the keys and 2024 labels.
_ALIASES = {
    "aian": (
        "American Indian",
        "Alaska Native",
        "Native American",
        "American Indian or Alaskan Native",
    ),
    "asian": ("Asian American",),
    "black": ("Black", "African American"),
    "hispanic": (
        "Hispanic",
        "Latino",
        "Latina",
        "Latinx",
        "Latine",
        "Hispanic or Latino or Spanish origin",
    ),
    "mena": ("MENA", "Middle Eastern", "North African"),
    "nhpi": (
        "NHPI",
        "Native Hawaiian or Other Pacific Islander",
        "Native Hawaiian",
        "Pacific Islander",
    ),
    "white": ("Caucasian", "White or Caucasian"),
    "multiracial": (
        "Two or more races",
        "Multiracial",
        "Multi-racial",
        "Multiple races",
        "Biracial",
        "Two or more",
    ),
    "other": ("Some other race", "Other", "Other race", "Another race"),
    "unknown": (
        "Unknown",
        "Not reported",
        "Declined",
        "Declined to answer",
        "Refused",
        "Prefer not to say",
        "Missing",
        "Not known",
        "Not collected",
        "Unknown race",
        "Unknown or declined",
    ),
}

# "or"/"and" are dropped so that "Black/African American" reads as "Black or African American".
_FILLER_WORDS = {"or", "and"}


def _normalized(text: str) -> str:
    """Lower case, accents and punctuation removed, filler words dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", plain).split()
    return " ".join(w for w in words if w not in _FILLER_WORDS)


_LOOKUP = {
    _normalized(text): key
    for key, label in _LABELS
    for text in (key, label, *_ALIASES.get(key, ()))
}


_QUALIFIERS = re.compile(
    r"\b(?:non hispanic(?: latino)?|not hispanic(?: latino)?|alone|any race)\b"
)


def group_label(key: str) -> str:
    """The group's label in the active language."""
    return str(dict(GROUPS)[key])


def group_from_text(text: str) -> str | None:
    """The 2024 key for a key, a 2024 label (English or the active language), a 1997-standard
    label or a common short form; None when the text is not recognized.

    Matching ignores case, accents, punctuation, extra spaces and the words "or"/"and".
    """
    if text is None:
        return None
    normalized = _normalized(text)
    if not normalized:
        return None
    if normalized in _LOOKUP:
        return _LOOKUP[normalized]
    # Tabulations under the 1997 standard qualify race groups: "White, non-Hispanic",
    # "Black alone", "Hispanic (any race)".
    plain = " ".join(_QUALIFIERS.sub(" ", normalized).split())
    if plain in _LOOKUP:
        return _LOOKUP[plain]
    translated = {_normalized(str(label)): key for key, label in GROUPS}
    return translated.get(normalized)
