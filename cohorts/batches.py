"""The members' posters zip, for a convening: each program's latest poster, of the members
whose consent covers their action plans (a poster shows the plan), each in a folder named after
the member. A poster carries its disparity panel only when the member shares its outcome
indices. Read through the requesting session's `Scope`, two-factor included.
"""

from django.tasks import task
from django.utils.text import slugify

from cohorts.models import MemberPosterBatch
from cohorts.sharing import Scope
from reports.batches import Entry, batch_queue, batch_run


def member_entries(scope: Scope) -> list[Entry]:
    """The posters this scope may put in a zip, by member then program."""
    with_outcomes = set(scope.outcome_members().values_list("organization_id", flat=True))
    assessments = (
        scope.latest_assessments(scope.plan_members())
        .select_related("program__organization")
        .order_by("program__organization__name", "program__name")
    )
    return [
        Entry(
            a,
            disparity=a.program.organization_id in with_outcomes,
            folder=slugify(a.program.organization.name) or "organization",
        )
        for a in assessments
    ]


def member_batch_start(*, scope: Scope, size_key: str, language: str, by) -> MemberPosterBatch:
    """Queue the zip for this session, in `language`; the task reads the members again when
    it runs."""
    batch = MemberPosterBatch(
        cohort=scope.cohort,
        verified=scope.verified,
        requested_by=by,
        size=size_key,
        language=language,
    )
    return batch_queue(batch, total=len(member_entries(scope)), build=build_member_poster_batch)


@task
def build_member_poster_batch(batch_id: str) -> None:
    batch = MemberPosterBatch.objects.select_related("cohort").get(pk=batch_id)
    scope = Scope(batch.cohort, verified=batch.verified)
    entries = batch_run(batch, lambda: member_entries(scope))
    contents = {str(e.assessment.program.organization_id): e.disparity for e in entries}
    MemberPosterBatch.objects.filter(pk=batch.pk).update(
        contents=[{"organization": o, "disparity": d} for o, d in sorted(contents.items())]
    )


def batch_is_current(batch: MemberPosterBatch, scope: Scope) -> bool:
    """Whether everything in the zip is still shared with this session: every member in it
    still shares its plans (and is seen by the session: two-factor), and every disparity
    panel in it is of a member that still shares its outcome indices."""
    plans = {str(pk) for pk in scope.plan_members().values_list("organization_id", flat=True)}
    outcomes = {str(pk) for pk in scope.outcome_members().values_list("organization_id", flat=True)}
    return all(
        entry["organization"] in plans
        and (not entry["disparity"] or entry["organization"] in outcomes)
        for entry in batch.contents
    )
