from django.urls import path

from reports import scorecard_views

app_name = "scorecards"

urlpatterns = [
    path(
        "programs/<uuid:program_id>/scorecard/", scorecard_views.program_scorecard, name="program"
    ),
    path(
        "organizations/<uuid:organization_id>/scorecard/",
        scorecard_views.organization_scorecard,
        name="organization",
    ),
]
