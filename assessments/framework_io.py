"""Export a framework version to one YAML/JSON file, and import one, all or nothing.

The file format is documented by `fixtures/frameworks/value-curve-equity-v1.yaml`.
JSON is read with the YAML parser (JSON is YAML), so errors in either point at a line.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import models, transaction

from assessments import levels
from assessments.models import Dimension, Framework, Indicator, LevelDescriptor

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_TEXT = 4000


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.path or '(top)'}: {self.message}"


class FrameworkFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --- Export ------------------------------------------------------------------------------------


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    return {
        "slug": framework.slug,
        "version": framework.version,
        "title": framework.title,
        "description": framework.description,
        "dimensions": [
            {
                "key": d.key,
                "name": d.name,
                "description": d.description,
                "indicators": [
                    {
                        "key": i.key,
                        "statement": i.statement,
                        "evidence_guidance": i.evidence_guidance,
                        "levels": {
                            levels.LEVEL_KEYS[ld.level]: ld.text for ld in i.descriptors.all()
                        },
                    }
                    for i in d.indicators.all()
                ],
            }
            for d in framework.dimensions.prefetch_related("indicators__descriptors")
        ],
    }


def framework_dump(framework: Framework, fmt: str) -> str:
    data = framework_to_dict(framework)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


# --- Parse and validate ------------------------------------------------------------------------


def line_map(text: str) -> dict[str, int]:
    """Map each path in the document (e.g. dimensions[0].indicators[2]) to its line."""
    lines: dict[str, int] = {}

    def walk(node, path: str) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = f"{path}.{key_node.value}" if path else str(key_node.value)
                lines[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, "")
    return lines


class Checker:
    def __init__(self, lines: dict[str, int]):
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        parent = path
        while line is None and parent:
            parent = re.sub(r"(\.?[^.\[]+|\[\d+\])$", "", parent)
            line = self.lines.get(parent)
        self.problems.append(Problem(path, line, message))

    def text(
        self, data: dict, key: str, path: str, required: bool = True, max_length: int = MAX_TEXT
    ) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(where, "must be text")
            return ""
        if len(value.strip()) > max_length:
            self.fail(where, f"is longer than {max_length} characters")
        return value.strip()

    def mapping(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, "must be a mapping of fields")
            return {}
        return value

    def sequence(self, value: Any, path: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(path, "must be a non-empty list")
            return []
        return value


def load_document(text: str, kind: str = "YAML") -> tuple[Checker, dict]:
    """A file's top-level mapping and a Checker that knows its lines; invalid YAML raises
    FrameworkFileError pointing at the line."""
    try:
        data = yaml.safe_load(text)
        lines = line_map(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise FrameworkFileError([Problem("", line, f"not valid {kind}: {exc}")]) from None
    check = Checker(lines)
    return check, check.mapping(data, "")


def parse_framework(text: str) -> dict[str, Any]:
    """Parse and validate a framework file; raise FrameworkFileError listing every problem."""
    check, data = load_document(text, "YAML or JSON")
    _check_header(check, data)
    dimensions = check.sequence(data.get("dimensions"), "dimensions")
    _check_dimensions(check, dimensions)
    if check.problems:
        raise FrameworkFileError(check.problems)
    return data


def _check_header(check: Checker, data: dict) -> None:
    slug = check.text(data, "slug", "")
    if slug and not SLUG_PATTERN.match(slug):
        check.fail("slug", "use lowercase letters, digits and hyphens")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.fail("version", "must be a whole number of 1 or more")
    check.text(data, "title", "", max_length=_max_length(Framework, "title"))
    check.text(data, "description", "", required=False)


def _check_dimensions(check: Checker, dimensions: list) -> None:
    keys = [d.get("key") for d in dimensions if isinstance(d, dict)]
    if dimensions and sorted(str(k) for k in keys) != sorted(levels.DIMENSION_KEYS):
        check.fail(
            "dimensions",
            "must hold exactly the four dimensions: " + ", ".join(levels.DIMENSION_KEYS),
        )
    seen: set[str] = set()
    for d_index, raw in enumerate(dimensions):
        path = f"dimensions[{d_index}]"
        dimension = check.mapping(raw, path)
        check.text(dimension, "key", path)
        check.text(dimension, "name", path, max_length=_max_length(Dimension, "name"))
        check.text(dimension, "description", path, required=False)
        indicators = check.sequence(dimension.get("indicators"), f"{path}.indicators")
        for i_index, item in enumerate(indicators):
            _check_indicator(check, item, f"{path}.indicators[{i_index}]", seen)


def _check_indicator(check: Checker, raw: Any, path: str, seen: set[str]) -> None:
    indicator = check.mapping(raw, path)
    key = check.text(indicator, "key", path)
    if key and not KEY_PATTERN.match(key):
        check.fail(f"{path}.key", "use lowercase letters, digits and hyphens (at most 40)")
    elif key in seen:
        check.fail(f"{path}.key", f"“{key}” is used twice; indicator keys must be unique")
    seen.add(key)
    check.text(indicator, "statement", path)
    check.text(indicator, "evidence_guidance", path, required=False)
    descriptors = check.mapping(indicator.get("levels"), f"{path}.levels")
    for level_key in levels.LEVEL_KEYS.values():
        check.text(descriptors, level_key, f"{path}.levels")
    for extra in set(descriptors) - set(levels.LEVEL_KEYS.values()):
        check.fail(f"{path}.levels.{extra}", "is not a level of the Value Curve")


# --- Import ------------------------------------------------------------------------------------


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """Validated file data in the exact shape export produces: optional fields filled in,
    text stripped. Import builds from it, and comparing it with an export tells whether a
    file is already imported."""
    return {
        "slug": data["slug"].strip(),
        "version": data["version"],
        "title": data["title"].strip(),
        "description": (data.get("description") or "").strip(),
        "dimensions": [
            {
                "key": d["key"].strip(),
                "name": d["name"].strip(),
                "description": (d.get("description") or "").strip(),
                "indicators": [
                    {
                        "key": i["key"].strip(),
                        "statement": i["statement"].strip(),
                        "evidence_guidance": (i.get("evidence_guidance") or "").strip(),
                        "levels": {
                            key: i["levels"][key].strip() for key in levels.LEVEL_KEYS.values()
                        },
                    }
                    for i in d["indicators"]
                ],
            }
            for d in data["dimensions"]
        ],
    }


def framework_matches(framework: Framework, data: dict[str, Any]) -> bool:
    return framework_to_dict(framework) == canonical(data)


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


@transaction.atomic
def framework_create(data: dict[str, Any]) -> Framework:
    """Create a new framework version from validated data; all of it or nothing."""
    data = canonical(data)
    framework = Framework.objects.create(
        slug=data["slug"],
        version=data["version"],
        title=data["title"],
        description=data["description"],
    )
    for d_order, d in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            framework=framework,
            key=d["key"],
            name=d["name"],
            description=d["description"],
            order=d_order,
        )
        for i_order, i in enumerate(d["indicators"]):
            indicator = Indicator.objects.create(
                dimension=dimension,
                key=i["key"],
                statement=i["statement"],
                evidence_guidance=i["evidence_guidance"],
                order=i_order,
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(indicator=indicator, level=level, text=i["levels"][key])
                for level, key in levels.LEVEL_KEYS.items()
            )
    return framework


@transaction.atomic
def framework_copy(framework: Framework) -> Framework:
    """A new, editable version with the same content and translations: how a locked
    framework changes."""
    data = framework_to_dict(framework)
    # The newest version of the slug: this one at least.
    latest = Framework.objects.filter(slug=framework.slug).order_by("-version")[0]
    data["version"] = latest.version + 1
    copy = framework_create(data)
    _copy_translations(framework, copy)
    return copy


def _parts_by_place(framework: Framework) -> dict[tuple, Any]:
    """The framework and each of its parts, by their keys (a descriptor by its level)."""
    parts: dict[tuple, Any] = {(): framework}
    for d in framework.dimensions.prefetch_related("indicators__descriptors"):
        parts[(d.key,)] = d
        for i in d.indicators.all():
            parts[(d.key, i.key)] = i
            for ld in i.descriptors.all():
                parts[(d.key, i.key, ld.level)] = ld
    return parts


def _copy_translations(source: Framework, target: Framework) -> None:
    targets = _parts_by_place(target)
    changed: dict[type[models.Model], list] = {}
    for place, part in _parts_by_place(source).items():
        if part.translations:
            copy = targets[place]
            copy.translations = part.translations
            changed.setdefault(type(copy), []).append(copy)
    for model, rows in changed.items():
        model._default_manager.bulk_update(rows, ["translations"])
