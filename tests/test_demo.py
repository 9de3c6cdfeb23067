"""`seed_demo` builds the demo every app shows, and `demo_logins` prints who can sign in."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.management.commands import seed_demo
from assessments.models import Organization, Program, Role
from cohorts import demo as cohort_demo
from cohorts.models import Cohort, CohortMember
from outcomes.models import OutcomeCount, OutcomeMeasure


@pytest.mark.django_db
def test_the_demo_has_a_cohort_with_a_facilitator_and_outcome_data(framework, action_steps):
    out = StringIO()
    call_command("seed_demo", orgs=14, programs=2, cycles=3, stdout=out)
    cohort = Cohort.objects.get()
    assert cohort.facilitators.get().user.username == "facilitator"
    assert cohort.members.count() == 14
    statuses = set(cohort.members.values_list("status", flat=True))
    assert {CohortMember.Status.ACTIVE, CohortMember.Status.INVITED} <= statuses
    assert CohortMember.Status.WITHDRAWN in statuses
    assert cohort.goals.count() == 4 and cohort.workgroups.count() == 3
    assert cohort.members.filter(shares_outcomes=True).count() >= 5
    assert OutcomeMeasure.objects.exists()
    # Small groups that must be suppressed.
    assert OutcomeCount.objects.filter(population__lte=10, population__gte=1).exists()
    leaders_program = Program.objects.filter(organization__memberships__user__username="leader")
    cycles = set(leaders_program.first().assessments.values_list("cycle__name", flat=True))
    assert cycles == {"2024", "2025", "2026"}
    # A round for each year assessed, and next year's, to which every member is linked.
    rounds = list(cohort.rounds.in_order().values_list("name", flat=True))
    assert rounds == ["2024", "2025", "2026", "2027"]
    linked = cohort.rounds.get(name="2027").links.count()
    assert linked == cohort.members.filter(status__in=["active", "invited"]).count()
    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert "facilitator" in logins.getvalue() and "Cohort facilitator" in logins.getvalue()
    # Again with --skip-existing: nothing added twice.
    call_command("seed_demo", skip_existing=True, stdout=StringIO())
    assert Cohort.objects.count() == 1


def test_the_demo_catalogue_files_name_real_choices_and_indicators(framework_data):
    """The catalogue is data (fixtures/demo/): a typo there would make a demo the app refuses."""
    indicators = {i["key"] for d in framework_data["dimensions"] for i in d["indicators"]}
    dimensions = {d["key"] for d in framework_data["dimensions"]}
    assert set(seed_demo.EVIDENCE) == indicators
    assert all(len(texts) >= 2 for texts in seed_demo.EVIDENCE.values())
    organizations = [*seed_demo.ORGANIZATIONS]
    assert len(organizations) == 12 and all(o.programs for o in organizations)
    assert {o.sector for o in organizations} <= set(Organization.Sector.values)
    assert {o.size for o in organizations} <= set(Organization.Size.values)
    assert {s for _t, s in seed_demo.ORG_TEMPLATES} <= set(Organization.Sector.values)
    assert all("{place}" in template for template, _s in seed_demo.ORG_TEMPLATES)
    roles = {u.role for u in seed_demo.DEMO_USERS if u.org_index is not None}
    assert roles <= set(Role.values)
    assert all(u.org_index is None or u.org_index < 2 for u in seed_demo.DEMO_USERS)
    assert {dimension for _t, _y, dimension, _m, _target in cohort_demo.GOALS} <= dimensions
    assert all(0 <= goal < len(cohort_demo.GOALS) for _name, goal in cohort_demo.WORKGROUPS)
