"""The action-step library: import from one YAML file, and choose a plan's first steps.

The file format is documented by `fixtures/action_steps/value-curve-equity-v1.yaml`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from assessments.framework_io import Checker, FrameworkFileError, load_document
from assessments.models import ActionStep, Capacity, Framework
from assessments.scoring import DimensionResult

STEPS_PER_DIMENSION = 5


# --- Choosing a plan's first steps (pure) -------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: str
    from_level: int
    indicators: frozenset[str]
    order: int


def choose_steps(
    result: DimensionResult, candidates: Iterable[Candidate], limit: int = STEPS_PER_DIMENSION
) -> list[str]:
    """The steps for a dimension's next move, those that work on what holds it back first.

    The move is from the dimension's level to the next one (a Generative dimension keeps
    the last move's steps, to sustain it). Among the steps for that move, a step ranks
    higher the more of the dimension's holding-back indicators it advances; ties keep the
    library's order, which lists the most foundational steps first.
    """
    move = min(result.level, 3)
    holding_back = set(result.holding_back)
    ranked = sorted(
        (c for c in candidates if c.from_level == move),
        key=lambda c: (-len(c.indicators & holding_back), c.order),
    )
    return [c.key for c in ranked[:limit]]


def fill_steps(
    result: DimensionResult,
    candidates: Iterable[Candidate],
    carried: Sequence[str | None],
    limit: int = STEPS_PER_DIMENSION,
) -> list[str]:
    """The library steps a new plan adds after the steps it carries from the last cycle.

    The rule: a dimension's carried unfinished steps come first, all of them; library
    steps, chosen as `choose_steps` does, fill the dimension up to `limit`, and never
    repeat a library step that is already carried (`carried` lists the library key of
    each carried step, None for a leader's own step).
    """
    taken = {key for key in carried if key is not None}
    room = max(0, limit - len(carried))
    return choose_steps(result, [c for c in candidates if c.key not in taken], limit=room)


# --- Import -----------------------------------------------------------------------------------


def parse_action_steps(text: str, framework: Framework) -> list[dict[str, Any]]:
    check, data = load_document(text)
    steps = check.sequence(data.get("steps"), "steps")
    dimensions = {d.key: {i.key for i in d.indicators.all()} for d in _dimensions(framework)}
    seen: set[str] = set()
    for index, raw in enumerate(steps):
        _check_step(check, raw, f"steps[{index}]", dimensions, seen)
    if check.problems:
        raise FrameworkFileError(check.problems)
    return steps


def _dimensions(framework: Framework):
    return framework.dimensions.prefetch_related("indicators")


def _check_step(check: Checker, raw: Any, path: str, dimensions: dict, seen: set) -> None:
    step = check.mapping(raw, path)
    key = check.text(step, "key", path, max_length=60)
    if key in seen:
        check.fail(f"{path}.key", f"“{key}” is used twice")
    seen.add(key)
    for name, limit in (("title", 200), ("description", 2000), ("measure", 1000)):
        check.text(step, name, path, max_length=limit)
    dimension = step.get("dimension")
    if dimension not in dimensions:
        check.fail(f"{path}.dimension", "must be one of " + ", ".join(dimensions))
    if step.get("from_level") not in (0, 1, 2, 3):
        check.fail(f"{path}.from_level", "must be 0, 1, 2 or 3")
    if step.get("capacity") not in Capacity.values:
        check.fail(f"{path}.capacity", "must be one of " + ", ".join(Capacity.values))
    indicators = step.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        check.fail(f"{path}.indicators", "must list at least one indicator key")
    elif dimension in dimensions:
        for unknown in set(map(str, indicators)) - dimensions[dimension]:
            check.fail(f"{path}.indicators", f"“{unknown}” is not an indicator of {dimension}")


@transaction.atomic
def action_steps_import(framework: Framework, steps: list[dict[str, Any]]) -> int:
    """Add the steps the library does not have yet (by key); return how many were added."""
    existing = set(framework.action_steps.values_list("key", flat=True))
    dimensions = {d.key: d for d in _dimensions(framework)}
    added = 0
    for order, step in enumerate(steps):
        if step["key"] in existing:
            continue
        dimension = dimensions[step["dimension"]]
        created = ActionStep.objects.create(
            framework=framework,
            dimension=dimension,
            key=step["key"],
            from_level=step["from_level"],
            title=step["title"].strip(),
            description=step["description"].strip(),
            measure=step["measure"].strip(),
            capacity=step["capacity"],
            order=order,
        )
        wanted = set(step["indicators"])
        created.indicators.set([i for i in dimension.indicators.all() if i.key in wanted])
        added += 1
    return added
