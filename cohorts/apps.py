from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from assessments.signals import scores_changed
        from cohorts.services import member_scores_changed

        scores_changed.connect(member_scores_changed, dispatch_uid="cohorts-scores-changed")
