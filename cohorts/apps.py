from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from assessments.models import Assessment, Organization, Program
        from assessments.signals import scores_changed
        from cohorts import services
        from cohorts.models import CohortMember
        from outcomes.signals import outcomes_changed

        # Anything the cached cohort tables show: scores, names, places, members.
        scores_changed.connect(services.member_scores_changed, dispatch_uid="cohorts-scores")
        for signal in (post_save, post_delete):
            signal.connect(
                services.organization_changed,
                sender=Organization,
                dispatch_uid=f"cohorts-org-{signal}",
            )
            signal.connect(
                services.program_changed, sender=Program, dispatch_uid=f"cohorts-program-{signal}"
            )
        post_delete.connect(
            services.assessment_deleted, sender=Assessment, dispatch_uid="cohorts-assessment"
        )
        outcomes_changed.connect(services.outcomes_changed, dispatch_uid="cohorts-outcomes")
        post_delete.connect(
            services.member_deleted, sender=CohortMember, dispatch_uid="cohorts-member"
        )
