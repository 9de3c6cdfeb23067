from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self) -> None:
        from assessments.models import Assessment, Organization, Program
        from assessments.signals import organization_imported, scores_changed
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
        organization_imported.connect(
            services.organization_imported, dispatch_uid="cohorts-organization-imported"
        )
        post_delete.connect(
            services.member_deleted, sender=CohortMember, dispatch_uid="cohorts-member"
        )
        register_exports()


def register_exports() -> None:
    """An organization's export holds its memberships of cohorts and their consent, its
    steps' ties to shared goals, its places in workgroups and its cycles' places in cohort
    rounds; the cohorts themselves are
    referred to by id, never exported with it."""
    from assessments import portability
    from cohorts.models import (
        Cohort,
        CohortMember,
        CohortRound,
        GoalLink,
        RoundCycle,
        SharedGoal,
        Workgroup,
    )

    portability.by_id_reference(Cohort, "name")
    portability.by_id_reference(SharedGoal, "title")
    portability.by_id_reference(Workgroup, "name")
    portability.by_id_reference(CohortRound, "name")
    portability.register_owned(CohortMember, "organization")
    portability.register_owned(GoalLink, "plan_step__assessment__program__organization")
    portability.register_owned(Workgroup.organizations.through, "organization")
    portability.register_owned(RoundCycle, "organization")
