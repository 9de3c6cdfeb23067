"""The version of a program's outcome data: a token that changes with every write to its
measures or counts, through the services (the `outcomes_changed` signal, which also covers
their bulk writes) and through single saves and deletes (the admin). Derived data keyed by it
(outcomes.summary.program_disparity) is never read stale."""

import uuid

from django.db.models import QuerySet

from outcomes.models import OutcomeCount, OutcomeMeasure, OutcomesVersion


def outcomes_version(program_id) -> str:
    """The program's current token, one query ("0": never changed since it was seeded)."""
    token = OutcomesVersion.objects.filter(program_id=program_id).values_list("token", flat=True)
    return str(token.first() or 0)


def outcomes_version_bump(*, program_id) -> None:
    token = {"token": uuid.uuid4()}
    OutcomesVersion.objects.update_or_create(program_id=program_id, defaults=token)


def on_outcomes_changed(sender, program_id, **kwargs) -> None:
    outcomes_version_bump(program_id=program_id)


def on_organization_imported(sender, organization, **kwargs) -> None:
    """Restored from its export: whatever was cached for its programs is not this data."""
    for program_id in organization.programs.values_list("pk", flat=True):
        outcomes_version_bump(program_id=program_id)


def on_measure_saved(sender, instance: OutcomeMeasure, **kwargs) -> None:
    outcomes_version_bump(program_id=instance.program_id)


def on_measure_deleted(sender, instance: OutcomeMeasure, origin=None, **kwargs) -> None:
    # Not when a deleted program or organization takes it along: the version row goes too.
    if _origin_model(origin) is OutcomeMeasure:
        outcomes_version_bump(program_id=instance.program_id)


def on_count_saved(sender, instance: OutcomeCount, **kwargs) -> None:
    _count_changed(instance)


def on_count_deleted(sender, instance: OutcomeCount, origin=None, **kwargs) -> None:
    # A deleted measure bumps once for all its counts; a deleted program needs none.
    if _origin_model(origin) is OutcomeCount:
        _count_changed(instance)


def _count_changed(count: OutcomeCount) -> None:
    found = OutcomeMeasure.objects.filter(pk=count.measure_id).values_list("program_id", flat=True)
    if program_id := found.first():
        outcomes_version_bump(program_id=program_id)


def _origin_model(origin) -> type | None:
    return origin.model if isinstance(origin, QuerySet) else type(origin)
