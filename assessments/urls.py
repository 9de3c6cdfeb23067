from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<uuid:program_id>/", views.program_detail, name="program"),
    path("programs/<uuid:program_id>/start/", views.assessment_start, name="start"),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("assessments/<uuid:assessment_id>/review/", views.assessment_review, name="review"),
    path("assessments/<uuid:assessment_id>/submit/", views.assessment_submit, name="submit"),
    path("assessments/<uuid:assessment_id>/reopen/", views.assessment_reopen, name="reopen"),
    path(
        "assessments/<uuid:assessment_id>/answer/<slug:dimension_key>/",
        views.assessment_dimension,
        name="dimension",
    ),
]
