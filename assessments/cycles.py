"""An organization's assessment cycles: named periods with dates, created by its leaders
(or by a cohort round the organization belongs to) and chosen when an assessment starts."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Assessment, Cycle, CycleQuerySet, Organization, Program


class CycleError(Exception):
    """A cycle that cannot be saved; the message is shown."""


def calendar_year(today: date) -> tuple[str, date, date]:
    """The cycle a new organization is offered: this calendar year."""
    return str(today.year), date(today.year, 1, 1), date(today.year, 12, 31)


@transaction.atomic
def cycle_save(*, cycle: Cycle, by) -> Cycle:
    """Create or edit a cycle. Names are unique in an organization, so a form sent twice adds
    one cycle; the dates must make a period."""
    Organization.objects.select_for_update().get(pk=cycle.organization_id)
    if cycle.ends_on < cycle.starts_on:
        raise CycleError(_("A cycle cannot end before it starts."))
    same = Cycle.objects.filter(organization_id=cycle.organization_id, name__iexact=cycle.name)
    if same.exclude(pk=cycle.pk).exists():
        raise CycleError(_("This organization already has a cycle named “%s”.") % cycle.name)
    cycle._history_user = by
    cycle.save()
    return cycle


def cycle_undeletable_reason(cycle: Cycle) -> str:
    """Why this cycle cannot be deleted, or "" if it can: a cycle that holds assessments keeps
    them in order, so only an empty one goes."""
    held = cycle.assessments.count()
    if not held:
        return ""
    return ngettext(
        "The cycle “%(name)s” cannot be deleted: it holds %(count)d assessment. A cycle is "
        "deleted only when no program has an assessment in it; you can still rename it or "
        "change its dates.",
        "The cycle “%(name)s” cannot be deleted: it holds %(count)d assessments. A cycle is "
        "deleted only when no program has an assessment in it; you can still rename it or "
        "change its dates.",
        held,
    ) % {"name": cycle.name, "count": held}


@transaction.atomic
def cycle_delete(*, cycle: Cycle, by) -> None:
    """Delete a cycle that holds no assessment (checked under the organization's lock, so an
    assessment started meanwhile keeps its cycle)."""
    Organization.objects.select_for_update().get(pk=cycle.organization_id)
    reason = cycle_undeletable_reason(cycle)
    if reason:
        raise CycleError(reason)
    cycle._history_user = by
    cycle.delete()


def cycle_named(*, organization: Organization, name: str, starts_on: date, ends_on: date, by):
    """The organization's cycle of this name, created with these dates if it has none (a
    cohort round opening for its members)."""
    found = Cycle.objects.filter(organization=organization, name__iexact=name).first()
    if found is not None:
        return found
    return cycle_save(
        cycle=Cycle(organization=organization, name=name, starts_on=starts_on, ends_on=ends_on),
        by=by,
    )


def program_cycles(program: Program) -> CycleQuerySet:
    """The organization's cycles, newest first, each with `free`: whether this program has no
    assessment in it yet."""
    used = Assessment.objects.filter(program=program, cycle=OuterRef("pk"))
    return (
        Cycle.objects.filter(organization_id=program.organization_id)
        .annotate(free=~Exists(used))
        .order_by("-starts_on", "-ends_on", "-name")
    )


def free_cycles(program: Program) -> CycleQuerySet:
    """The organization's cycles in which this program has no assessment yet, newest first."""
    return program_cycles(program).filter(free=True)


def suggested_cycle(free: list[Cycle], today: date) -> Cycle | None:
    """The cycle a new assessment defaults to, among the free ones (newest first): the
    current one (its dates include today), else the newest."""
    return next((c for c in free if c.is_current(today)), free[0] if free else None)
