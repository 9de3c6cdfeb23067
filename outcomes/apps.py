from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from assessments import portability
        from assessments.signals import organization_imported
        from outcomes import signals, versions
        from outcomes.models import OutcomeCount, OutcomeMeasure

        # The version that keys the programs' cached summaries follows every change.
        signals.outcomes_changed.connect(versions.on_outcomes_changed, dispatch_uid="outcomes-v")
        post_save.connect(versions.on_measure_saved, sender=OutcomeMeasure, dispatch_uid="om-v")
        post_delete.connect(versions.on_measure_deleted, sender=OutcomeMeasure, dispatch_uid="om-d")
        post_save.connect(versions.on_count_saved, sender=OutcomeCount, dispatch_uid="oc-v")
        post_delete.connect(versions.on_count_deleted, sender=OutcomeCount, dispatch_uid="oc-d")
        organization_imported.connect(versions.on_organization_imported, dispatch_uid="org-v")

        # A program's outcome data travels in its organization's export.
        portability.register_owned(OutcomeMeasure, "program__organization")
        portability.register_owned(OutcomeCount, "measure__program__organization")
