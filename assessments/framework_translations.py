"""Translations of a framework version and of its action-step library: one file per language.

A translation file sits beside the file it translates, `<name>.<language>.yaml`
(`value-curve-equity-v1.es.yaml`), with the same keys and nesting and only the text fields:

    language: es
    slug: value-curve-equity
    version: 1
    title: ...
    dimensions:
      - key: governance
        name: ...
        indicators:
          - key: gov-equity-commitment
            statement: ...
            levels: {regulative: ..., collaborative: ..., integrative: ..., generative: ...}

and for the library `language`, `framework`, `framework_version` and `steps` (key, title,
description, measure). A file may leave texts out: they show in the source language, and the
import lists them. Importing a file replaces that language's translations, all of them or
nothing. A translation does not change what a framework means, so a framework version that
assessments use takes one; its source text stays locked.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from assessments import levels
from assessments.framework_io import MAX_TEXT, Checker, FrameworkFileError, Problem, load_document
from assessments.models import Dimension, Framework, Indicator, LevelDescriptor
from assessments.translated import TRANSLATED_FIELDS, translation_languages

LEVEL_FIELDS = {key: level for level, key in levels.LEVEL_KEYS.items()}


@dataclass
class Translation:
    """A validated translation file: the texts of each object, and what it leaves out."""

    language: str
    texts: dict[Any, dict[str, str]] = field(default_factory=dict)  # object -> {field: text}
    missing: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(fields) for fields in self.texts.values())


def translation_files(path: Path) -> list[tuple[Path, str]]:
    """The translation files beside `path` that exist, one per language the site offers,
    each with the language its name says."""
    candidates = (
        (path.with_name(f"{path.stem}.{code}{path.suffix}"), code)
        for code in translation_languages()
    )
    return [(candidate, code) for candidate, code in candidates if candidate.is_file()]


def check_named_language(path: Path, translation: Translation, named: str | None) -> None:
    """A file named <name>.es.yaml must be the Spanish translation."""
    if named is not None and translation.language != named:
        raise FrameworkFileError(
            [Problem("language", 1, f"must be “{named}”, as the file's name {path.name} says")]
        )


def is_translation(text: str) -> bool:
    """Whether a file's text is a translation file (it names its language)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "language" in data


class _Reader:
    """Reads the text fields of one file into a Translation, noting every problem."""

    def __init__(self, check: Checker, language: str):
        self.check = check
        self.translation = Translation(language)

    def header(self, data: dict, expected: dict[str, Any], allowed: Iterable[str]) -> None:
        language = data.get("language")
        if language not in translation_languages():
            self.check.fail(
                "language",
                f"“{language}” is not a language to translate into; use one of "
                + ", ".join(translation_languages()),
            )
        for name, value in expected.items():
            if data.get(name) != value:
                self.check.fail(
                    name, f"must be {value!r}, as in the database (found {data.get(name)!r})"
                )
        self.unknown(data, "", allowed)

    def unknown(self, data: dict, path: str, allowed: Iterable[str]) -> None:
        for extra in sorted(set(map(str, data)) - set(allowed)):
            self.check.fail(f"{path}.{extra}" if path else extra, "is not a field of this file")

    def texts(self, obj, data: dict, path: str, names: dict[str, str], label: str) -> None:
        """Read `names` (field in the file -> field of `obj`); note those left out."""
        for name, attribute in names.items():
            where = f"{path}.{name}" if path else name
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if getattr(obj, attribute):
                    self.translation.missing.append(f"{label}{name}")
                continue
            if not isinstance(value, str):
                self.check.fail(where, "must be text")
                continue
            limit = type(obj)._meta.get_field(attribute).max_length or MAX_TEXT
            if len(value.strip()) > limit:
                self.check.fail(where, f"is longer than {limit} characters")
                continue
            self.translation.texts.setdefault(obj, {})[attribute] = value.strip()

    def entries(self, raw: Any, path: str, known: dict[str, Any], what: str) -> list[tuple]:
        """(path, data, object) of each entry of a list, by key; unknown and repeated keys
        are problems. The known objects the list leaves out are reported missing."""
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            self.check.fail(path, "must be a list")
            return []
        found, seen = [], set()
        for index, item in enumerate(raw):
            where = f"{path}[{index}]"
            entry = self.check.mapping(item, where)
            key = entry.get("key")
            if not isinstance(key, str) or key not in known:
                self.check.fail(f"{where}.key", f"“{key}” is not {what} of this framework version")
            elif key in seen:
                self.check.fail(f"{where}.key", f"“{key}” is listed twice")
            else:
                seen.add(key)
                found.append((where, entry, known[key]))
        self.translation.missing.extend(sorted(set(known) - seen))
        return found

    def result(self) -> Translation:
        if self.check.problems:
            raise FrameworkFileError(self.check.problems)
        return self.translation


# --- The framework -----------------------------------------------------------------------------


def parse_framework_translation(text: str, framework: Framework) -> Translation:
    """Validate a framework translation file against the framework version it translates;
    raise FrameworkFileError listing every problem."""
    check, data = load_document(text)
    return _read_framework(check, data, framework)


def framework_translation_from_data(data: dict, framework: Framework) -> Translation:
    """Validate a translation already read (as `framework_translation_to_dict` writes it)."""
    check = Checker({})
    return _read_framework(check, check.mapping(data, ""), framework)


def _read_framework(check: Checker, data: dict, framework: Framework) -> Translation:
    reader = _Reader(check, data.get("language", ""))  # header() reports a missing one
    reader.header(
        data,
        {"slug": framework.slug, "version": framework.version},
        ("language", "slug", "version", "title", "description", "dimensions"),
    )
    reader.texts(framework, data, "", {"title": "title", "description": "description"}, "")
    dimensions = {d.key: d for d in _parts(framework)}
    for path, entry, dimension in reader.entries(
        data.get("dimensions"), "dimensions", dimensions, "a dimension"
    ):
        reader.unknown(entry, path, ("key", "name", "description", "indicators"))
        fields = {"name": "name", "description": "description"}
        reader.texts(dimension, entry, path, fields, f"{dimension.key}.")
        indicators = {i.key: i for i in dimension.indicators.all()}
        for i_path, i_entry, indicator in reader.entries(
            entry.get("indicators"),
            f"{path}.indicators",
            indicators,
            f"an indicator of {dimension.key}",
        ):
            _indicator(reader, i_path, i_entry, indicator)
    return reader.result()


def _indicator(reader: _Reader, path: str, entry: dict, indicator: Indicator) -> None:
    reader.unknown(entry, path, ("key", "statement", "evidence_guidance", "levels"))
    fields = {"statement": "statement", "evidence_guidance": "evidence_guidance"}
    reader.texts(indicator, entry, path, fields, f"{indicator.key}.")
    descriptors = entry.get("levels") or {}
    if not isinstance(descriptors, dict):
        reader.check.fail(f"{path}.levels", "must be a mapping of levels")
        return
    reader.unknown(descriptors, f"{path}.levels", LEVEL_FIELDS)
    for descriptor in indicator.descriptors.all():
        key = levels.LEVEL_KEYS[descriptor.level]
        reader.texts(
            descriptor, descriptors, f"{path}.levels", {key: "text"}, f"{indicator.key}.levels."
        )


def _parts(framework: Framework):
    return framework.dimensions.prefetch_related("indicators__descriptors")


def framework_translation_to_dict(framework: Framework, language: str) -> dict[str, Any]:
    """A framework's translation into `language`, in the file format (texts it lacks are left
    out, so they keep falling back to the source)."""

    def texts(obj, names: dict[str, str]) -> dict[str, str]:
        own = (obj.translations or {}).get(language, {})
        return {name: own[attribute] for name, attribute in names.items() if own.get(attribute)}

    return {
        "language": language,
        "slug": framework.slug,
        "version": framework.version,
        **texts(framework, {"title": "title", "description": "description"}),
        "dimensions": [
            {
                "key": d.key,
                **texts(d, {"name": "name", "description": "description"}),
                "indicators": [
                    {
                        "key": i.key,
                        **texts(
                            i, {"statement": "statement", "evidence_guidance": "evidence_guidance"}
                        ),
                        "levels": {
                            levels.LEVEL_KEYS[ld.level]: text
                            for ld in i.descriptors.all()
                            if (text := (ld.translations or {}).get(language, {}).get("text"))
                        },
                    }
                    for i in d.indicators.all()
                ],
            }
            for d in _parts(framework)
        ],
    }


def translation_dump(framework: Framework, language: str, fmt: str) -> str:
    data = framework_translation_to_dict(framework, language)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def framework_translations(framework: Framework) -> dict[str, dict[str, Any]]:
    """Every language a framework has text in, as `framework_translation_to_dict` writes it."""
    found = set(framework.translations or {})
    for model, lookup in _MODELS:
        for translations in model.objects.filter(**{lookup: framework}).values_list(
            "translations", flat=True
        ):
            found.update(translations or {})
    return {
        language: framework_translation_to_dict(framework, language) for language in sorted(found)
    }


_MODELS = (
    (Dimension, "framework"),
    (Indicator, "dimension__framework"),
    (LevelDescriptor, "indicator__dimension__framework"),
)


@transaction.atomic
def framework_translation_store(framework: Framework, translation: Translation) -> None:
    """Replace the framework's texts in the translation's language; all or nothing. Saved
    without save(), which a locked framework refuses: its source text does not change."""
    objects = [framework]
    for dimension in _parts(framework):
        objects.append(dimension)
        for indicator in dimension.indicators.all():
            objects.append(indicator)
            objects.extend(indicator.descriptors.all())
    _store(objects, translation)


def _store(objects: list, translation: Translation) -> None:
    by_pk = {(type(o), o.pk): fields for o, fields in translation.texts.items()}
    changed: dict[type[models.Model], list] = {}
    for obj in objects:
        translations = dict(obj.translations or {})
        fields = by_pk.get((type(obj), obj.pk))
        allowed = TRANSLATED_FIELDS[type(obj).__name__]
        if fields:
            translations[translation.language] = {k: v for k, v in fields.items() if k in allowed}
        else:
            translations.pop(translation.language, None)
        if translations != (obj.translations or {}):
            obj.translations = translations
            changed.setdefault(type(obj), []).append(obj)
    for model, rows in changed.items():
        model._default_manager.bulk_update(rows, ["translations"])


# --- The action-step library ---------------------------------------------------------------------


def parse_action_step_translation(text: str, framework: Framework) -> Translation:
    """Validate an action-step translation file against the framework's library."""
    check, data = load_document(text)
    reader = _Reader(check, data.get("language", ""))  # header() reports a missing one
    reader.header(
        data,
        {"framework": framework.slug, "framework_version": framework.version},
        ("language", "framework", "framework_version", "steps"),
    )
    steps = {s.key: s for s in framework.action_steps.all()}
    fields = {"title": "title", "description": "description", "measure": "measure"}
    for path, entry, step in reader.entries(data.get("steps"), "steps", steps, "an action step"):
        reader.unknown(entry, path, ("key", *fields))
        reader.texts(step, entry, path, fields, f"{step.key}.")
    return reader.result()


@transaction.atomic
def action_step_translation_store(framework: Framework, translation: Translation) -> None:
    """Replace the library's texts in the translation's language; all or nothing."""
    _store(list(framework.action_steps.all()), translation)


def report(translation: Translation, what: str) -> tuple[str, str]:
    """What an import command says of a translation it stored: how many texts, and which it
    lacks (empty when none)."""
    done = (
        f"Imported the “{translation.language}” translation of {what}: {translation.count} texts."
    )
    return done, missing_summary(translation)


def missing_summary(translation: Translation, limit: int = 10) -> str:
    """A line saying which texts a translation leaves out (they show in the source)."""
    if not translation.missing:
        return ""
    shown = ", ".join(translation.missing[:limit])
    more = len(translation.missing) - limit
    rest = f" and {more} more" if more > 0 else ""
    count = len(translation.missing)
    return f"{count} texts not translated, shown in the source language: {shown}{rest}."
