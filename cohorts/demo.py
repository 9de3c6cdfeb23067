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
from valuecurve.fixtures import fixture_data

FACILITATOR = "facilitator"

# The cohort's name, texts, goals and workgroups are data (made up, like the rest of the demo).
_CATALOGUE = fixture_data("demo/cohort.yaml")
NAME = _CATALOGUE["name"]
DESCRIPTION = _CATALOGUE["description"]
STATEMENTS = dict(_CATALOGUE["statements"])
# (title, target year, dimension, measure, target)
GOALS = tuple(
    (g["title"], g["target_year"], g["dimension"], g["measure"], g["target"])
    for g in _CATALOGUE["goals"]
)
WORKGROUPS = tuple((w["name"], w["goal"]) for w in _CATALOGUE["workgroups"])
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
    sharing: str
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
