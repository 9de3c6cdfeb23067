from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import Need, organization_for_user
from cohorts.access import cohort_for_facilitator
from reports import batches, documents
from reports.models import PosterBatch


def _batch_for_user(user, batch_id) -> PosterBatch:
    """An organization's batch is its leaders'; a cohort's, its facilitators'."""
    batch = PosterBatch.objects.select_related("organization", "cohort").filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    if batch.cohort_id:
        cohort_for_facilitator(user, batch.cohort_id)
    else:
        organization_for_user(user, batch.organization_id, Need.LEAD)
    return batch


def _size(request: HttpRequest) -> str | None:
    size = request.POST.get("size", "tabloid")
    if size not in documents.poster_sizes():
        messages.error(request, _("Choose a poster size."))
        return None
    return size


def _back_url(batch: PosterBatch) -> str:
    if batch.cohort_id:
        return reverse("cohorts:dashboard", args=[batch.cohort_id])
    return reverse("scorecards:organization", args=[batch.organization_id])


@login_required
@require_POST
def poster_batch_start(request: HttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    size = _size(request)
    if size is None:
        return redirect("scorecards:organization", organization.pk)
    batch = batches.batch_start(organization=organization, size_key=size, by=request.user)
    return redirect("posters:batch", batch.pk)


@login_required
@require_POST
def cohort_poster_batch_start(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    size = _size(request)
    if size is None:
        return redirect("cohorts:dashboard", cohort.pk)
    batch = batches.batch_start(cohort=cohort, size_key=size, by=request.user)
    return redirect("posters:batch", batch.pk)


@login_required
def poster_batch(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch_for_user(request.user, batch_id)
    return render(
        request, "reports/poster_batch.html", {"batch": batch, "back_url": _back_url(batch)}
    )


@login_required
def poster_batch_download(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch_for_user(request.user, batch_id)
    if batch.status != PosterBatch.Status.DONE or not batch.archive:
        raise Http404
    return FileResponse(
        batch.archive.open("rb"), as_attachment=True, filename=batches.archive_name(batch)
    )
