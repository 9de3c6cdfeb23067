"""Action plans: pre-filled when an assessment is submitted, then edited by leaders."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments import scoring
from assessments.action_steps import Candidate, choose_steps
from assessments.models import ActionStep, Assessment, Dimension, PlanStep


class PlanError(Exception):
    """A plan change that was refused; the message is shown to the user."""


def plan_create(*, assessment: Assessment, profile: scoring.Profile, by) -> list[PlanStep]:
    """The first plan of a submitted assessment: the chosen library steps per dimension.

    An assessment that already has a plan (submitted again after a reopening) keeps it.
    """
    if assessment.plan_steps.exists():
        return []
    library = ActionStep.objects.filter(framework_id=assessment.framework_id)
    by_key = {step.key: step for step in library.prefetch_related("indicators")}
    steps = []
    for dimension in assessment.framework.dimensions.all():
        candidates = [
            Candidate(s.key, s.from_level, frozenset(i.key for i in s.indicators.all()), s.order)
            for s in by_key.values()
            if s.dimension_id == dimension.pk
        ]
        chosen = choose_steps(profile.dimensions[dimension.key], candidates)
        steps += [_from_library(assessment, by_key[key], n) for n, key in enumerate(chosen)]
    return bulk_create_with_history(steps, PlanStep, default_user=by)


def _from_library(assessment: Assessment, step: ActionStep, order: int) -> PlanStep:
    return PlanStep(
        assessment=assessment,
        dimension_id=step.dimension_id,
        action_step=step,
        title=step.title,
        description=step.description,
        measure=step.measure,
        order=order,
    )


@dataclass(frozen=True)
class StepValues:
    title: str
    description: str
    measure: str
    owner: str
    due_date: object
    status: str
    notes: str


def plan_step_update(*, step: PlanStep, values: StepValues, by) -> None:
    for name, value in values.__dict__.items():
        setattr(step, name, value)
    step._history_user = by
    step.save()


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
