"""Action plans: pre-filled when an assessment is submitted, then edited by leaders."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments import scoring
from assessments.action_steps import Candidate, fill_steps
from assessments.models import ActionStep, Assessment, Dimension, PlanStep
from assessments.translated import translated


class PlanError(Exception):
    """A plan change that was refused; the message is shown to the user."""


def plan_create(*, assessment: Assessment, profile: scoring.Profile, by) -> list[PlanStep]:
    """The first plan of a submitted assessment, per dimension (`fill_steps` is the rule):

    1. the previous cycle's unfinished steps (not started, in progress), each a new step
       that `continues` it, with its owner, due date, status, measure and notes;
    2. then library steps for the dimension's next move, up to the per-dimension count,
       without repeating a library step already carried.

    Steps done last cycle are not carried: the plan page lists them ("done last cycle").
    Dropped ones end there. Dimensions and library steps are matched by key, so a cycle
    on a newer framework version carries the older one's steps. An assessment that
    already has a plan (submitted again after a reopening) keeps it.
    """
    if assessment.plan_steps.exists():
        return []
    library = ActionStep.objects.filter(framework_id=assessment.framework_id)
    by_key = {step.key: step for step in library.prefetch_related("indicators")}
    unfinished = _unfinished_last_cycle(assessment)
    steps = []
    for dimension in assessment.framework.dimensions.all():
        carried = [old for old in unfinished if old.dimension.key == dimension.key]
        candidates = [
            Candidate(s.key, s.from_level, frozenset(i.key for i in s.indicators.all()), s.order)
            for s in by_key.values()
            if s.dimension_id == dimension.pk
        ]
        keys = [old.action_step.key if old.action_step else None for old in carried]
        chosen = fill_steps(profile.dimensions[dimension.key], candidates, keys)
        steps += [_carried(assessment, dimension, old, by_key, n) for n, old in enumerate(carried)]
        steps += [
            _from_library(assessment, by_key[key], len(carried) + n) for n, key in enumerate(chosen)
        ]
    return bulk_create_with_history(steps, PlanStep, default_user=by)


def _unfinished_last_cycle(assessment: Assessment) -> list[PlanStep]:
    previous = Assessment.objects.previous_cycle_of(assessment)
    if previous is None:
        return []
    steps = previous.plan_steps.unfinished().select_related("dimension", "action_step")
    return list(steps.order_by("dimension__order", "order", "created_at"))


def done_last_cycle(assessment: Assessment) -> tuple[Assessment | None, list[PlanStep]]:
    """The previous cycle's assessment and the steps its plan finished (status done)."""
    previous = Assessment.objects.previous_cycle_of(assessment)
    if previous is None:
        return None, []
    return previous, list(previous.plan_steps.done().select_related("dimension"))


def _carried(
    assessment: Assessment, dimension: Dimension, old: PlanStep, library: dict, order: int
) -> PlanStep:
    return PlanStep(
        assessment=assessment,
        dimension=dimension,
        action_step=library.get(old.action_step.key) if old.action_step else None,
        continues=old,
        title=old.title,
        description=old.description,
        measure=old.measure,
        owner=old.owner,
        due_date=old.due_date,
        status=old.status,
        notes=old.notes,
        poster_line=old.poster_line,
        order=order,
    )


def _from_library(assessment: Assessment, step: ActionStep, order: int) -> PlanStep:
    return PlanStep(
        assessment=assessment,
        dimension_id=step.dimension_id,
        action_step=step,
        # The plan is the organization's own text from here on, in the language of whoever
        # makes it (the library's, when that language has no translation).
        title=translated(step, "title"),
        description=translated(step, "description"),
        measure=translated(step, "measure"),
        order=order,
    )


POSTER_STEPS = 5


def poster_steps(steps: list[PlanStep]) -> list[PlanStep]:
    """What a poster shows of one dimension's steps (in plan order): the first five not
    dropped, the leader's own as the library's. The poster and the plan page both ask here."""
    return [s for s in steps if s.status != PlanStep.Status.DROPPED][:POSTER_STEPS]


@dataclass(frozen=True)
class StepValues:
    title: str
    description: str
    measure: str
    owner: str
    due_date: object
    status: str
    notes: str
    poster_line: str = ""


def plan_step_update(*, step: PlanStep, values: StepValues, by) -> None:
    for name, value in values.__dict__.items():
        setattr(step, name, value)
    step._history_user = by
    step.save()


def plan_step_set_status(*, step: PlanStep, status: str, by) -> None:
    """Only the status (the API's update): the rest of the step stays as it is."""
    step.status = status
    step._history_user = by
    step.save(update_fields=["status", "updated_at"])


def plan_step_add(
    *, assessment: Assessment, dimension: Dimension, values: StepValues, by, library=None
) -> PlanStep:
    last = assessment.plan_steps.filter(dimension=dimension).aggregate(m=Max("order"))["m"]
    step = PlanStep(
        assessment=assessment,
        dimension=dimension,
        action_step=library,
        order=(last or 0) + 1,
        **values.__dict__,
    )
    step._history_user = by
    step.save()
    return step


@transaction.atomic
def plan_step_move(*, step: PlanStep, up: bool, by) -> None:
    """Swap the step with its neighbour in the same dimension."""
    siblings = list(
        PlanStep.objects.select_for_update()
        .filter(assessment_id=step.assessment_id, dimension_id=step.dimension_id)
        .order_by("order", "created_at")
    )
    position = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    other = position - 1 if up else position + 1
    if not 0 <= other < len(siblings):
        raise PlanError(_("This step is already at that end of the list."))
    siblings[position], siblings[other] = siblings[other], siblings[position]
    for order, sibling in enumerate(siblings):
        if sibling.order != order:
            sibling.order = order
            sibling._history_user = by
            sibling.save(update_fields=["order", "updated_at"])


def plan_step_remove(*, step: PlanStep, by) -> None:
    step._history_user = by
    step.delete()
