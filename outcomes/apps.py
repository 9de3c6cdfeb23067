from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from assessments import portability
        from outcomes.models import OutcomeCount, OutcomeMeasure

        # A program's outcome data travels in its organization's export.
        portability.register_owned(OutcomeMeasure, "program__organization")
        portability.register_owned(OutcomeCount, "measure__program__organization")
