"""Poster batches: a zip of every program's latest poster, built outside the request."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment, Organization
from reports import documents
from reports.models import PosterBatch


def latest_submitted(organization: Organization) -> list[Assessment]:
    """Each program's latest submitted assessment."""
    latest: dict = {}
    submitted = Assessment.objects.submitted().filter(program__organization=organization)
    for assessment in submitted.select_related("program").order_by("created_at"):
        latest[assessment.program_id] = assessment
    return sorted(latest.values(), key=lambda a: a.program.name)


def batch_start(*, organization: Organization, size_key: str, by) -> PosterBatch:
    batch = PosterBatch.objects.create(
        organization=organization,
        requested_by=by,
        size=size_key,
        total=len(latest_submitted(organization)),
    )
    build_poster_batch.enqueue(str(batch.pk))
    batch.refresh_from_db()
    return batch


@task
def build_poster_batch(batch_id: str) -> None:
    batch = PosterBatch.objects.select_related("organization").get(pk=batch_id)
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
    assessments = latest_submitted(batch.organization)
    size = documents.poster_sizes()[batch.size]
    posters = documents.poster_batch(assessments, size=size, today=timezone.localdate())
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for assessment, poster in zip(assessments, posters, strict=True):
            name = documents.document_filename(assessment, f"poster-{batch.size}")
            archive.writestr(name, poster)
            PosterBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
    return buffer.getvalue()


def _finish(batch: PosterBatch, status: str, **fields) -> None:
    PosterBatch.objects.filter(pk=batch.pk).update(
        status=status, finished_at=timezone.now(), **fields
    )


def archive_name(batch: PosterBatch) -> str:
    return f"value-curve-{slugify(batch.organization.name)}-posters-{batch.size}.zip"
