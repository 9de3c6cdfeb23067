"""Poster batches: a zip of every program's latest poster, built outside the request.

An organization's batch holds its programs' posters. A cohort's batch, for a convening,
holds those of the members whose consent covers their action plans (a poster shows the
plan), each in a folder named after the member.
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment, Organization
from cohorts.models import Cohort, CohortMember, Sharing
from reports import documents
from reports.models import PosterBatch

SHARES_PLANS = (Sharing.PLANS, Sharing.EVERYTHING)


def _latest_per_program(submitted) -> list[Assessment]:
    latest: dict = {}
    for assessment in submitted.select_related("program__organization").order_by("created_at"):
        latest[assessment.program_id] = assessment
    return sorted(
        latest.values(), key=lambda a: (a.program.organization.name, a.program.name, a.cycle)
    )


def latest_submitted(organization: Organization) -> list[Assessment]:
    """Each program's latest submitted assessment."""
    return _latest_per_program(
        Assessment.objects.submitted()
        .of_active_programs()
        .filter(program__organization=organization)
    )


def cohort_latest_submitted(cohort: Cohort) -> list[Assessment]:
    """Each program's latest submitted assessment, of the members sharing their plans now."""
    return _latest_per_program(
        Assessment.objects.submitted().filter(
            # One filter() call: the three conditions hold for the same membership.
            program__organization__cohort_memberships__cohort=cohort,
            program__organization__cohort_memberships__status=CohortMember.Status.ACTIVE,
            program__organization__cohort_memberships__sharing__in=SHARES_PLANS,
        )
    )


def batch_assessments(batch: PosterBatch) -> list[Assessment]:
    if batch.cohort_id:
        return cohort_latest_submitted(batch.cohort)
    return latest_submitted(batch.organization)


def batch_start(
    *,
    size_key: str,
    by,
    organization: Organization | None = None,
    cohort: Cohort | None = None,
) -> PosterBatch:
    """Queue a batch of an organization's posters, or of a cohort's (give one of the two)."""
    if (organization is None) == (cohort is None):
        raise ValueError("A poster batch is of an organization or of a cohort.")
    batch = PosterBatch(organization=organization, cohort=cohort, requested_by=by, size=size_key)
    batch.total = len(batch_assessments(batch))
    batch.save()
    build_poster_batch.enqueue(str(batch.pk))
    batch.refresh_from_db()
    return batch


@task
def build_poster_batch(batch_id: str) -> None:
    batch = PosterBatch.objects.select_related("organization", "cohort").get(pk=batch_id)
    PosterBatch.objects.filter(pk=batch.pk).update(status=PosterBatch.Status.RUNNING)
    try:
        archive = _zip_posters(batch)
    except Exception as exc:  # recorded for the user; the task itself must not die silently
        _finish(batch, PosterBatch.Status.FAILED, error=str(exc)[:1000])
        raise
    batch.archive.save(f"{batch.pk}.zip", ContentFile(archive), save=False)
    _finish(batch, PosterBatch.Status.DONE, archive=batch.archive.name)


def _zip_posters(batch: PosterBatch) -> bytes:
    buffer = io.BytesIO()
    # Read again now: a member that withdrew its consent since the request is left out.
    assessments = batch_assessments(batch)
    PosterBatch.objects.filter(pk=batch.pk).update(total=len(assessments))
    size = documents.poster_sizes()[batch.size]
    posters = documents.poster_batch(assessments, size=size, today=timezone.localdate())
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for assessment, poster in zip(assessments, posters, strict=True):
            archive.writestr(_entry_name(batch, assessment, names), poster)
            PosterBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
    return buffer.getvalue()


def _entry_name(batch: PosterBatch, assessment: Assessment, taken: set[str]) -> str:
    """The poster's file name; in a cohort's batch, in its member's folder. Names that
    slugify alike get a number, so no poster overwrites another."""
    name = documents.document_filename(assessment, f"poster-{batch.size}")
    if batch.cohort_id:
        name = f"{slugify(assessment.program.organization.name) or 'organization'}/{name}"
    stem, n = name.removesuffix(".pdf"), 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.pdf"
    taken.add(name)
    return name


def _finish(batch: PosterBatch, status: str, **fields) -> None:
    PosterBatch.objects.filter(pk=batch.pk).update(
        status=status, finished_at=timezone.now(), **fields
    )


def archive_name(batch: PosterBatch) -> str:
    return f"value-curve-{slugify(batch.owner_name)}-posters-{batch.size}.zip"
