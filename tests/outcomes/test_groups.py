"""Race and ethnicity groups: the 2024 standard, and reading labels of either standard."""

import pytest

from outcomes import groups
from outcomes.groups import (
    COMPARED_GROUPS,
    GROUP_KEYS,
    GROUPS,
    STANDARD_1997_NOTE,
    group_from_text,
    group_label,
)


def test_the_groups_are_the_2024_categories_in_order_then_multiracial_other_unknown():
    assert GROUP_KEYS == (
        "aian",
        "asian",
        "black",
        "hispanic",
        "mena",
        "nhpi",
        "white",
        "multiracial",
        "other",
        "unknown",
    )
    assert [key for key, _label in GROUPS] == list(GROUP_KEYS)
    assert group_label("mena") == "Middle Eastern or North African"
    assert group_label("nhpi") == "Native Hawaiian or Pacific Islander"


def test_unknown_is_never_compared():
    assert GROUP_KEYS[:-1] == COMPARED_GROUPS
    assert "unknown" not in COMPARED_GROUPS


@pytest.mark.parametrize(("key", "label"), [(key, str(label)) for key, label in GROUPS])
def test_keys_and_2024_labels_read_back_as_their_key(key, label):
    assert group_from_text(key) == key
    assert group_from_text(label) == key
    assert group_from_text(label.upper()) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("American Indian or Alaska Native", "aian"),
        ("Asian", "asian"),
        ("Black or African American", "black"),
        ("Native Hawaiian or Other Pacific Islander", "nhpi"),
        ("White", "white"),
        ("Hispanic or Latino", "hispanic"),
        ("Two or more races", "multiracial"),
        ("Some other race", "other"),
    ],
)
def test_1997_labels_map_to_the_2024_keys(text, key):
    assert group_from_text(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Black", "black"),
        ("BLACK/AFRICAN-AMERICAN", "black"),
        ("  black   or african american ", "black"),
        ("Latino", "hispanic"),
        ("Latinx", "hispanic"),
        ("Hispanic", "hispanic"),
        ("Hispanic/Latino", "hispanic"),
        ("AIAN", "aian"),
        ("American Indian/Alaska Native", "aian"),
        ("NHPI", "nhpi"),
        ("MENA", "mena"),
        ("Unknown", "unknown"),
        ("Not reported", "unknown"),
        ("Declined", "unknown"),
        ("multiracial", "multiracial"),
        ("Multi-racial", "multiracial"),
        ("Latiné", "hispanic"),
    ],
)
def test_short_forms_case_spacing_punctuation_and_accents_do_not_matter(text, key):
    assert group_from_text(text) == key


@pytest.mark.parametrize(
    "text", ["", "   ", "Not Hispanic or Latino", "Asian or Pacific Islander", "Martian", None]
)
def test_unrecognized_or_ambiguous_text_gives_none(text):
    assert group_from_text(text) is None


def test_every_alias_reads_back_as_its_own_group():
    for key, aliases in groups._ALIASES.items():
        for alias in aliases:
            assert group_from_text(alias) == key, alias


def test_the_1997_note_says_why_older_periods_are_not_fully_comparable():
    note = str(STANDARD_1997_NOTE)
    assert "1997" in note
    assert "Middle Eastern or North African" in note
    assert "White" in note
    assert "Hispanic" in note


@pytest.mark.parametrize(
    "text, key",
    [
        ("Non-Hispanic White", "white"),
        ("White, non-Hispanic", "white"),
        ("White, not Hispanic or Latino", "white"),
        ("Black alone", "black"),
        ("Black or African American alone, not Hispanic", "black"),
        ("Hispanic (any race)", "hispanic"),
        ("White or Caucasian", "white"),
        ("unknown/declined", "unknown"),
    ],
)
def test_qualified_1997_tabulation_labels_are_recognized(text, key):
    assert group_from_text(text) == key
