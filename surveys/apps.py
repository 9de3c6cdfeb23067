from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from assessments import portability
        from surveys import services
        from surveys.models import Answer, Finding, OneTimeCode, ProgramQuestion, Response, Survey

        # A program's surveys and their anonymous responses travel in its organization's export.
        portability.register_owned(Survey, "program__organization")
        portability.register_owned(ProgramQuestion, "survey__program__organization")
        portability.register_owned(Response, "survey__program__organization")
        portability.register_owned(Answer, "response__survey__program__organization")
        portability.register_owned(OneTimeCode, "survey__program__organization")
        portability.register_owned(Finding, "survey__program__organization")
        post_delete.connect(
            services.response_deleted, sender=Response, dispatch_uid="surveys-response-deleted"
        )
