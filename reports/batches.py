"""Poster batches: a zip of every program's latest poster, built outside the request.

An organization's batch holds its programs' posters, for its own leaders: each poster with
its disparity panel. The zip of a cohort's members' posters is built with the same pieces
(`batch_run`) in cohorts, which decides there what each member's consent lets in.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation
from django.utils.text import slugify

from assessments.models import Assessment, Organization
from reports import documents
from reports.models import PosterBatch, PosterBatchBase


@dataclass(frozen=True)
class Entry:
    """One poster of a batch: which assessment, whether it carries the disparity panel, and
    the folder of the zip it goes in ("" for the top)."""

    assessment: Assessment
    disparity: bool
    folder: str = ""


def latest_submitted(organization: Organization) -> list[Assessment]:
    """Each program's latest submitted assessment."""
    return list(
        Assessment.objects.latest_per_program()
        .filter(program__organization=organization)
        .select_related("program__organization")
        .order_by("program__name")
    )


def organization_entries(organization: Organization) -> list[Entry]:
    """The organization's own posters, for its own leaders: the disparity panel included."""
    return [Entry(a, disparity=True) for a in latest_submitted(organization)]


def batch_start(*, organization: Organization, size_key: str, language: str, by) -> PosterBatch:
    """Queue a batch of an organization's posters, in `language`."""
    batch = PosterBatch(
        organization=organization, requested_by=by, size=size_key, language=language
    )
    return batch_queue(batch, total=len(latest_submitted(organization)), build=build_poster_batch)


def batch_queue[B: PosterBatchBase](batch: B, *, total: int, build) -> B:
    """Save the new batch with the number of posters expected and queue its `build` task
    (by default it runs at once); returns the batch as the task left it."""
    batch.total = total
    batch.save()
    build.enqueue(str(batch.pk))
    batch.refresh_from_db()
    return batch


@task
def build_poster_batch(batch_id: str) -> None:
    batch = PosterBatch.objects.select_related("organization").get(pk=batch_id)
    batch_run(batch, lambda: organization_entries(batch.organization))


def batch_run(batch: PosterBatchBase, entries: Callable[[], list[Entry]]) -> list[Entry]:
    """Build the batch's zip and record its progress on the batch; returns what went in.
    `entries` is called now, in the task: consent withdrawn since the request is respected."""
    rows = type(batch)._default_manager.filter(pk=batch.pk)
    rows.update(status=PosterBatch.Status.RUNNING)
    try:
        with translation.override(batch.language):
            chosen = entries()
            rows.update(total=len(chosen))
            archive = _zip_posters(batch, chosen)
    except Exception as exc:  # recorded for the user; the task itself must not die silently
        _finish(batch, PosterBatch.Status.FAILED, error=str(exc)[:1000])
        raise
    batch.archive.save(f"{batch.pk}.zip", ContentFile(archive), save=False)
    _finish(batch, PosterBatch.Status.DONE, archive=batch.archive.name)
    return chosen


def _zip_posters(batch: PosterBatchBase, entries: list[Entry]) -> bytes:
    buffer = io.BytesIO()
    size = documents.poster_sizes()[batch.size]
    posters = documents.poster_batch(
        [e.assessment for e in entries],
        size=size,
        today=timezone.localdate(),
        disparity=[e.disparity for e in entries],
    )
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, poster in zip(entries, posters, strict=True):
            archive.writestr(_entry_name(batch, entry, names), poster)
            type(batch)._default_manager.filter(pk=batch.pk).update(done=F("done") + 1)
    return buffer.getvalue()


def _entry_name(batch: PosterBatchBase, entry: Entry, taken: set[str]) -> str:
    """The poster's file name, in its folder. Names that slugify alike get a number, so no
    poster overwrites another."""
    name = documents.document_filename(entry.assessment, f"poster-{batch.size}")
    if entry.folder:
        name = f"{entry.folder}/{name}"
    stem, n = name.removesuffix(".pdf"), 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.pdf"
    taken.add(name)
    return name


def _finish(batch: PosterBatchBase, status: str, **fields) -> None:
    type(batch)._default_manager.filter(pk=batch.pk).update(
        status=status, finished_at=timezone.now(), **fields
    )


def archive_name(batch: PosterBatchBase) -> str:
    return f"value-curve-{slugify(batch.owner_name)}-posters-{batch.size}.zip"
