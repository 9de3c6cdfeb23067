from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("programs/<uuid:program_id>/outcomes/", views.program_outcomes, name="program_outcomes"),
    path("programs/<uuid:program_id>/outcomes/new/", views.measure_create, name="measure_create"),
    path("outcomes/<uuid:measure_id>/", views.measure_detail, name="measure"),
    path("outcomes/<uuid:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("outcomes/<uuid:measure_id>/delete/", views.measure_delete, name="measure_delete"),
    path("outcomes/<uuid:measure_id>/enter/", views.counts_entry, name="counts_entry"),
    path("outcomes/<uuid:measure_id>/import/", views.counts_import, name="counts_import"),
    path("outcomes/<uuid:measure_id>/template.csv", views.import_template, name="import_template"),
    path("outcomes/<uuid:measure_id>/counts.csv", views.counts_export, name="counts_export"),
    path(
        "outcomes/<uuid:measure_id>/counts.xlsx",
        views.counts_export,
        {"fmt": "xlsx"},
        name="counts_export_xlsx",
    ),
    path(
        "outcomes/<uuid:measure_id>/counts-dictionary.csv",
        views.counts_export_dictionary,
        name="counts_export_dictionary",
    ),
]
