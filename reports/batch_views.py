from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import Need, organization_for_user
from reports import batches, documents
from reports.models import PosterBatch, PosterBatchBase
from valuecurve import languages


def _batch_for_user(user, batch_id) -> PosterBatch:
    """An organization's batch is its leaders'."""
    batch = PosterBatch.objects.select_related("organization").filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    organization_for_user(user, batch.organization_id, Need.LEAD)
    return batch


def poster_size(request: HttpRequest) -> str | None:
    """The size a batch is asked for; None, with a message, when it is not one we print."""
    size = request.POST.get("size", "tabloid")
    if size not in documents.poster_sizes():
        messages.error(request, _("Choose a poster size."))
        return None
    return size


def poster_language(request: HttpRequest, default: str) -> str | None:
    """The language a batch is asked in (else `default`); None, with a message, when it is
    not one the app speaks."""
    try:
        return languages.document_language(request, default)
    except Http404:
        messages.error(request, _("Choose a language."))
        return None


@login_required
@require_POST
def poster_batch_start(request: HttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    size = poster_size(request)
    language = poster_language(request, organization.language)
    if size is None or language is None:
        return redirect("scorecards:organization", organization.pk)
    batch = batches.batch_start(
        organization=organization, size_key=size, language=language, by=request.user
    )
    return redirect("posters:batch", batch.pk)


@login_required
def poster_batch(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch_for_user(request.user, batch_id)
    context = {
        "batch": batch,
        "download_url": reverse("posters:download", args=[batch.pk]),
        "back_url": reverse("scorecards:organization", args=[batch.organization_id]),
    }
    return render(request, "reports/poster_batch.html", context)


@login_required
def poster_batch_download(request: HttpRequest, batch_id) -> FileResponse:
    batch = _batch_for_user(request.user, batch_id)
    return batch_file(batch)


def batch_file(batch: PosterBatchBase) -> FileResponse:
    """The built zip, as a download; 404 until it is built."""
    if batch.status != PosterBatch.Status.DONE or not batch.archive:
        raise Http404
    return FileResponse(
        batch.archive.open("rb"), as_attachment=True, filename=batches.archive_name(batch)
    )
