from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("assessments/<uuid:assessment_id>/results/", views.assessment_results, name="results"),
]
