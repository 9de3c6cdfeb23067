"""The demo cohort: every demo organization, the facilitator login, goals and workgroups.

Consent is varied on purpose, so the demo shows each case: most members share levels and
plans, some levels only, a few everything; the second demo organization (leader2's) is
invited and has not answered yet; one member withdrew.
"""

import random
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Cycle, Organization, PlanStep
from cohorts.models import (
    Cohort,
    CohortMember,
    CohortRound,
    Facilitator,
    GoalLink,
    SharedGoal,
    Sharing,
    Workgroup,
)
from cohorts.rounds import round_save

FACILITATOR = "facilitator"
NAME = "Tri-County Equity Network"
DESCRIPTION = (
    "Public agencies and community providers of three counties working together so that race "
    "no longer predicts how families fare. We meet each quarter and compare progress once a year."
)
STATEMENTS = {
    "commitment_statement": (
        "Together we commit to a region where a family's race no longer predicts the help it "
        "gets or how it fares, and to show our progress openly each year."
    ),
    "vision": "Every family in the three counties finds one door to the support it needs.",
    "theory_of_change": (
        "If every member looks at its outcomes by race, designs services with the people it "
        "serves and budgets for equity, then gaps become visible, owned and closed."
    ),
}
# (title, target year, dimension, measure, target)
GOALS = (
    (
        "Every member reports its outcomes by race and ethnicity",
        2028,
        "insight",
        "Members publishing outcomes by race each year",
        "All members",
    ),
    (
        "Residents with lived experience co-design one service in each member",
        2029,
        "services",
        "Services co-designed with residents",
        "One per member",
    ),
    (
        "Equity is part of every member's budget and board decisions",
        2030,
        "governance",
        "Members whose board reviews an equity budget analysis",
        "80% of members",
    ),
    (
        "Staff at every level reflect the communities served",
        2031,
        "people",
        "Gap between staff and community demographics, by level",
        "Under 5 points",
    ),
)
WORKGROUPS = (("Data and evidence", 0), ("Community voice", 1), ("Leadership and budgets", 2))
SEED = 2027
WHEN = datetime(2025, 9, 15, 15, tzinfo=UTC)


@transaction.atomic
def seed_cohort() -> Cohort | None:
    facilitator = get_user_model().objects.filter(username=FACILITATOR).first()
    if facilitator is None:
        return None
    rng = random.Random(SEED)
    cohort = Cohort.objects.create(
        name=NAME, description=DESCRIPTION, created_by=facilitator, created_at=WHEN, **STATEMENTS
    )
    Facilitator.objects.create(cohort=cohort, user=facilitator, added_at=WHEN)
    organizations = list(Organization.objects.order_by("created_at", "name"))
    members = [_member(cohort, n, org, rng, facilitator) for n, org in enumerate(organizations)]
    CohortMember.objects.bulk_create(members)
    goals = SharedGoal.objects.bulk_create(
        SharedGoal(
            cohort=cohort,
            title=title,
            target_year=year,
            measure=measure,
            target=target,
            target_date=date(year, 12, 31),
            order=n,
            created_at=WHEN,
        )
        for n, (title, year, _, measure, target) in enumerate(GOALS)
    )
    _workgroups(cohort, goals, organizations[:12])
    _goal_links(goals, members, facilitator)
    _rounds(cohort, facilitator)
    return cohort


def _rounds(cohort: Cohort, facilitator) -> None:
    """A spring round for each year the members assessed in, and the next year's round,
    opening in January: each member's leaders see it on their home page."""
    today = timezone.localdate()
    assessed = Cycle.objects.filter(assessments__isnull=False).values_list("name", flat=True)
    years = sorted({int(name) for name in assessed})
    for year in [*years, years[-1] + 1] if years else []:
        opens = date(year, 1, 15) if year > years[-1] else date(year, 2, 1)
        cohort_round = CohortRound(
            cohort=cohort,
            name=str(year),
            starts_on=opens,
            ends_on=date(year, 4, 30),
            created_at=WHEN,
        )
        round_save(cohort_round=cohort_round, by=facilitator, today=today)


def _member(cohort, index: int, org, rng: random.Random, by) -> CohortMember:
    status, sharing = CohortMember.Status.ACTIVE, Sharing.PLANS
    if index == 1:
        status, sharing = CohortMember.Status.INVITED, ""
    elif index == 7:
        status, sharing = CohortMember.Status.WITHDRAWN, ""
    elif index >= 2:
        sharing = rng.choices(list(Sharing.values), weights=(3, 6, 1))[0]
    responded = status != CohortMember.Status.INVITED
    # The hand-written organizations have outcome data (outcomes.demo); most share its indices.
    shares_outcomes = status == CohortMember.Status.ACTIVE and index < 12 and index != 5
    return CohortMember(
        shares_outcomes=shares_outcomes,
        cohort=cohort,
        organization=org,
        status=status,
        sharing=sharing,
        invited_by=by,
        invited_at=WHEN,
        responded_at=WHEN if responded else None,
    )


def _workgroups(cohort, goals, organizations) -> None:
    for n, (name, goal_index) in enumerate(WORKGROUPS):
        workgroup = Workgroup.objects.create(
            cohort=cohort, name=name, goal=goals[goal_index], created_at=WHEN
        )
        workgroup.organizations.set(organizations[n::3])


def _goal_links(goals, members, by) -> None:
    """Members that share plans tie their steps in a goal's dimension to that goal."""
    sharing = [m.organization_id for m in members if m.shares_plans]
    by_dimension = {
        dimension: goal for goal, (_, _, dimension, *_) in zip(goals, GOALS, strict=True)
    }
    steps = PlanStep.objects.filter(
        assessment__program__organization_id__in=sharing,
        dimension__key__in=list(by_dimension),
    ).values_list("pk", "dimension__key")
    GoalLink.objects.bulk_create(
        GoalLink(goal=by_dimension[key], plan_step_id=pk, linked_by=by, linked_at=WHEN)
        for pk, key in steps
    )
