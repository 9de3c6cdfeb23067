from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("assessments/<uuid:assessment_id>/results/", views.assessment_results, name="results"),
    path("assessments/<uuid:assessment_id>/report/", views.assessment_report, name="report"),
    path(
        "assessments/<uuid:assessment_id>/report.pdf",
        views.assessment_report_pdf,
        name="report_pdf",
    ),
    path("assessments/<uuid:assessment_id>/poster/", views.assessment_poster, name="poster"),
    path(
        "assessments/<uuid:assessment_id>/poster.pdf",
        views.assessment_poster_pdf,
        name="poster_pdf",
    ),
]
