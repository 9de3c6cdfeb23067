"""What one session sees of a cohort: the single path from members' consent to every output.

Every cohort page, export, document, zip and cache key is built from a `Scope`: the cohort and
whether the session looking at it is two-factor verified. The rules themselves are the
`CohortMemberQuerySet` methods (levels, plans, answers, outcome indices, two-factor) and
`AssessmentQuerySet.latest_per_program`; this module only combines them, so no output can
ask for a member's data another way.

Two-factor: a member organization that requires two-factor sign-in of its own people shares
nothing with a session that is not two-factor verified. It is left out of every output of that
session (dashboard, drill-down, benchmarks, exports, posters, scorecard, aggregates), and the
pages say how many members are left out and why.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.models import Assessment, AssessmentQuerySet, PlanStep, Program
from cohorts.models import Cohort, CohortMemberQuerySet, RoundCycle
from surveys.models import Survey
from valuecurve import languages


@dataclass(frozen=True)
class Scope:
    cohort: Cohort
    verified: bool  # the session signed in with two-factor

    def members(self) -> CohortMemberQuerySet:
        """Members whose levels this session may see: sharing, and seen by the session."""
        return self.cohort.members.sharing().seen_by(verified=self.verified)

    def plan_members(self) -> CohortMemberQuerySet:
        return self.members().sharing_plans()

    def answer_members(self) -> CohortMemberQuerySet:
        return self.members().sharing_answers()

    def outcome_members(self) -> CohortMemberQuerySet:
        return self.members().sharing_outcome_indices()

    def survey_members(self) -> CohortMemberQuerySet:
        return self.members().sharing_survey_aggregates()

    def survey_programs(self) -> QuerySet[Program]:
        """The active programs of the members sharing their survey results with this session:
        the only programs whose surveys a cohort figure reads."""
        organizations = self.survey_members().values("organization")
        return Program.objects.active().filter(organization__in=organizations)

    def survey_cache_key(self, *parts: object) -> str:
        """A cache key for figures of the members' surveys: `cache_key` (consent, two-factor,
        language) and each survey's results version, which goes up with every answer, so
        cached aggregates are never stale. One query."""
        surveys = Survey.objects.filter(program__in=self.survey_programs()).order_by("pk")
        versions = list(surveys.values_list("pk", "results_version"))
        return self.cache_key("surveys", versions, *parts)

    def survey_member_count(self) -> int:
        """How many members share their survey results with this session: counted when the
        cohort was loaded (`Cohort.objects.with_survey_members`), or now."""
        counted = getattr(self.cohort, "survey_members", None)
        return self.survey_members().count() if counted is None else counted

    def left_out(self) -> int:
        """Sharing members this session does not see, because they require two-factor:
        counted when the cohort was loaded (`Cohort.objects.with_hidden_members`), or now."""
        counted = getattr(self.cohort, "hidden_members", None)
        if counted is not None:
            return counted
        return self.cohort.members.hidden_from(verified=self.verified).count()

    def assessments(self, members: CohortMemberQuerySet | None = None) -> AssessmentQuerySet:
        """The submitted assessments of these members' active programs (by default all the
        session sees): an archived program leaves every cohort figure."""
        return (
            Assessment.objects.submitted()
            .of_active_programs()
            .filter(program__organization__in=_orgs(self, members))
        )

    def round_assessments(
        self, name: str, members: CohortMemberQuerySet | None = None
    ) -> AssessmentQuerySet:
        """The assessments of these members that count in the cohort's round of this name
        (`RoundCycleQuerySet.submissions`: each member's cycle linked to the round)."""
        links = RoundCycle.objects.filter(round__cohort=self.cohort, round__name=name)
        return links.submissions().filter(program__organization__in=_orgs(self, members))

    def latest_assessments(self, members: CohortMemberQuerySet | None = None) -> AssessmentQuerySet:
        """Each program's latest submitted assessment, of these members."""
        return Assessment.objects.latest_per_program().filter(
            program__organization__in=_orgs(self, members)
        )

    def plan_steps(self) -> QuerySet[PlanStep]:
        """The action steps the cohort counts: those of each program's latest submitted
        assessment, of the members sharing their plans. The goals page, the scorecard and the
        poster count a goal's steps from this one set, so they cannot disagree."""
        return PlanStep.objects.filter(assessment__in=self.latest_assessments(self.plan_members()))

    def cache_key(self, *parts: object) -> str:
        """Keyed by the cohort's data version (it goes up with every change of what members
        share or submit), by the session's two-factor state, which changes what is seen, and
        by the active language. Parts such as a cycle or filters are user text: hashed, so
        the key stays safe."""
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        seen = "verified" if self.verified else "unverified"
        # What is cached holds words (level names, labels) in the language that built it.
        language = languages.active_language()
        return f"cohort:{self.cohort.pk}:{self.cohort.data_version}:{seen}:{language}:{digest}"


def _orgs(scope: Scope, members: CohortMemberQuerySet | None):
    return (scope.members() if members is None else members).values("organization")


def session_scope(user, cohort: Cohort) -> Scope:
    """The scope of a signed-in user's session (django-otp marks verified sessions)."""
    return Scope(cohort, verified=bool(user.is_verified()))
