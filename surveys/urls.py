from django.urls import path

from surveys import public_views, views

app_name = "surveys"

urlpatterns = [
    path("programs/<uuid:program_id>/surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<uuid:survey_id>/", views.survey_detail, name="survey"),
    path("surveys/<uuid:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<uuid:survey_id>/questions/", views.question_add, name="question_add"),
    path(
        "surveys/<uuid:survey_id>/questions/<int:position>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path("surveys/<uuid:survey_id>/qr.svg", views.survey_qr, name="qr"),
    path("surveys/<uuid:survey_id>/flyer.pdf", views.survey_flyer, name="flyer"),
    path("surveys/<uuid:survey_id>/paper/", views.paper_entry, name="paper"),
    path("surveys/<uuid:survey_id>/codes/", views.codes_create, name="codes"),
    # The public link: short, for a QR code and a flyer.
    path("s/<str:token>/", public_views.answer, name="answer"),
    path("s/<str:token>/thanks/", public_views.thanks, name="thanks"),
]
