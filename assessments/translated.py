"""Framework and action-step text in the active language.

The framework file and the action-step library are written in the source language
(settings.LANGUAGE_CODE). Each translatable object keeps its translations in a
`translations` field, {language: {field: text}}, loaded from `<name>.<language>.yaml`
files (assessments.framework_translations). `translated` is the one place that picks the
text to show: the active language's, or the source text when that language has none.
"""

from django.conf import settings
from django.utils.translation import get_language

# The text fields each translatable model carries translations of.
TRANSLATED_FIELDS = {
    "Framework": ("title", "description"),
    "Dimension": ("name", "description"),
    "Indicator": ("statement", "evidence_guidance"),
    "LevelDescriptor": ("text",),
    "ActionStep": ("title", "description", "measure"),
}


def source_language() -> str:
    return settings.LANGUAGE_CODE


def translation_languages() -> list[str]:
    """The languages a translation file may be in: those the site offers, but the source."""
    return [code for code, _name in settings.LANGUAGES if code != source_language()]


def translated(obj, field: str, language: str | None = None) -> str:
    """`obj.field` in `language` (by default the active one), or the source text when that
    language has no translation of it."""
    return translated_value(
        getattr(obj, field), getattr(obj, "translations", None), field, language
    )


def translated_value(
    source: str, translations: dict | None, field: str, language: str | None = None
) -> str:
    """The same for a field read as values: its source text and the row's `translations`."""
    language = language or get_language() or source_language()
    translations = translations or {}
    texts = translations.get(language) or translations.get(language.split("-")[0]) or {}
    return texts.get(field) or source
