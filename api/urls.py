from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import account_views, cohort_views, views

app_name = "api"

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("api/v1/organizations/", views.OrganizationList.as_view(), name="organizations"),
    path(
        "api/v1/organizations/<uuid:pk>/", views.OrganizationDetail.as_view(), name="organization"
    ),
    path("api/v1/programs/", views.ProgramList.as_view(), name="programs"),
    path("api/v1/programs/<uuid:pk>/", views.ProgramDetail.as_view(), name="program"),
    path("api/v1/cycles/", views.CycleList.as_view(), name="cycles"),
    path("api/v1/assessments/", views.AssessmentList.as_view(), name="assessments"),
    path("api/v1/assessments/<uuid:pk>/", views.AssessmentDetail.as_view(), name="assessment"),
    path("api/v1/plan-steps/", views.PlanStepList.as_view(), name="plan_steps"),
    path("api/v1/plan-steps/<uuid:pk>/", views.PlanStepDetail.as_view(), name="plan_step"),
    path("api/v1/outcome-measures/", views.OutcomeMeasureList.as_view(), name="measures"),
    path(
        "api/v1/outcome-measures/<uuid:pk>/figures/",
        views.OutcomeFigures.as_view(),
        name="measure_figures",
    ),
    path(
        "api/v1/outcome-measures/<uuid:pk>/counts/",
        views.OutcomeCountsImport.as_view(),
        name="measure_counts",
    ),
    path("api/v1/surveys/", views.SurveyList.as_view(), name="surveys"),
    path("api/v1/surveys/<uuid:pk>/results/", views.SurveyResults.as_view(), name="survey_results"),
    path("api/v1/cohorts/", cohort_views.CohortList.as_view(), name="cohorts"),
    path(
        "api/v1/cohorts/<uuid:pk>/organizations/",
        cohort_views.CohortOrganizations.as_view(),
        name="cohort_organizations",
    ),
    path(
        "api/v1/cohorts/<uuid:pk>/programs/",
        cohort_views.CohortPrograms.as_view(),
        name="cohort_programs",
    ),
    path(
        "api/v1/cohorts/<uuid:pk>/benchmark/",
        cohort_views.CohortBenchmark.as_view(),
        name="cohort_benchmark",
    ),
    path(
        "api/v1/cohorts/<uuid:pk>/scorecard/",
        cohort_views.CohortScorecard.as_view(),
        name="cohort_scorecard",
    ),
    path(
        "api/v1/cohorts/<uuid:pk>/survey-aggregates/",
        cohort_views.CohortSurveys.as_view(),
        name="cohort_surveys",
    ),
    path("accounts/tokens/", account_views.token_list, name="tokens"),
    path(
        "accounts/tokens/<uuid:token_id>/revoke/", account_views.token_revoke, name="token_revoke"
    ),
    # Any other address under /api/ (an id that is not a UUID too): the API's 404 body.
    re_path(r"^api/", views.not_found),
]
