from django.urls import path

from reports import batch_views

app_name = "posters"

urlpatterns = [
    path(
        "organizations/<uuid:organization_id>/posters/",
        batch_views.poster_batch_start,
        name="start",
    ),
    path("poster-batches/<uuid:batch_id>/", batch_views.poster_batch, name="batch"),
    path(
        "poster-batches/<uuid:batch_id>/download/",
        batch_views.poster_batch_download,
        name="download",
    ),
]
