"""`seed_demo` builds the demo every app shows, and `demo_logins` prints who can sign in."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Program
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
