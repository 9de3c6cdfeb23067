from django.urls import path

from surveys import results_views

app_name = "survey_results"

urlpatterns = [
    path("surveys/<uuid:survey_id>/results/", results_views.survey_results, name="results"),
    path("surveys/<uuid:survey_id>/results.csv", results_views.results_csv, name="results_csv"),
    path("surveys/<uuid:survey_id>/results.xlsx", results_views.results_xlsx, name="results_xlsx"),
    path(
        "surveys/<uuid:survey_id>/responses.csv",
        results_views.responses_csv,
        name="responses_csv",
    ),
    path("surveys/<uuid:survey_id>/findings/", results_views.finding_add, name="finding_add"),
    path(
        "surveys/<uuid:survey_id>/findings/<uuid:finding_id>/remove/",
        results_views.finding_remove,
        name="finding_remove",
    ),
]
