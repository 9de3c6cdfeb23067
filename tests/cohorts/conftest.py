"""The cohort cast: a facilitator, member organizations with submitted assessments."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from assessments.models import Assessment, DimensionScore, Membership, Organization, Program, Role
from cohorts.models import Cohort, CohortMember, Facilitator, Sharing
from tests.conftest import make_user
from tests.cycles import cycle_of, round_of


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def facilitator(db):
    return make_user("facilitator")


@pytest.fixture
def cohort(facilitator):
    cohort = Cohort.objects.create(name="County consortium", created_by=facilitator)
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    return cohort


def add_member_org(
    cohort: Cohort,
    framework,
    name: str,
    levels: dict[str, int] | int,
    *,
    cycle: str = "2026",
    sharing: str = Sharing.LEVELS,
    status: str = CohortMember.Status.ACTIVE,
    sector: str = Organization.Sector.NONPROFIT,
    region: str = "North",
    programs: int = 1,
) -> Organization:
    """An organization in the cohort with `programs` submitted assessments at these levels."""
    org = Organization.objects.create(name=name, sector=sector, region=region)
    CohortMember.objects.create(
        cohort=cohort,
        organization=org,
        status=status,
        sharing=sharing if status == "active" else "",
    )
    for number in range(programs):
        program = Program.objects.create(
            organization=org, name=f"{name} program {number}", service_area="Housing"
        )
        submitted_assessment(program, framework, levels, cycle=cycle)
    return org


def submitted_assessment(program: Program, framework, levels: dict[str, int] | int, cycle="2026"):
    """A submitted assessment in the organization's cycle of this name; the cohorts the
    organization belongs to get the round of that name, with its cycle linked."""
    assessment = Assessment.objects.create(
        program=program,
        framework=framework,
        cycle=cycle_of(program, cycle),
        status=Assessment.Status.SUBMITTED,
    )
    for member in program.organization.cohort_memberships.select_related("cohort"):
        round_of(member.cohort, cycle)
    for dimension in framework.dimensions.all():
        level = levels if isinstance(levels, int) else levels[dimension.key]
        DimensionScore.objects.create(
            assessment=assessment, dimension=dimension, level=level, index=Decimal(level)
        )
    return assessment


def org_leader(org: Organization, username: str):
    user = make_user(username)
    Membership.objects.create(user=user, organization=org, role=Role.LEADER)
    return user


@pytest.fixture
def five_members(cohort, framework):
    return [add_member_org(cohort, framework, f"Member {n}", n % 4 + 1) for n in range(5)]
