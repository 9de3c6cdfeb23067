"""The sharing rules as one set of QuerySet methods, the scope every output reads them
through, and the cache keys that keep one session's view from another's."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Assessment, PlanStep, Program
from cohorts.models import CohortMember, Facilitator, GoalLink, SharedGoal, Sharing
from cohorts.sharing import Scope
from tests.cohorts.conftest import add_member_org, submitted_assessment
from tests.conftest import make_user
from tests.cycles import cycle_of


def verify_session(client, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def strict(cohort, framework, five_members):
    """Five members, and a sixth that requires two-factor sign-in and shares everything."""
    org = add_member_org(cohort, framework, "Strict Agency", 3, sharing=Sharing.EVERYTHING)
    org.require_two_factor = True
    org.save()
    return org


def test_each_consent_is_one_queryset_method(cohort, framework):
    names = {}
    for sharing in Sharing.values:
        org = add_member_org(cohort, framework, f"Shares {sharing}", 2, sharing=sharing)
        names[sharing] = org.name
    add_member_org(cohort, framework, "Invited", 2, status=CohortMember.Status.INVITED)
    CohortMember.objects.filter(organization__name__in=["Invited", names["levels"]]).update(
        shares_outcomes=True
    )
    members = cohort.members

    def named(queryset) -> set[str]:
        return set(queryset.values_list("organization__name", flat=True))

    assert named(members.sharing()) == set(names.values())
    assert named(members.sharing_plans()) == {names["plans"], names["everything"]}
    assert named(members.sharing_answers()) == {names["everything"]}
    assert named(members.sharing_outcome_indices()) == {names["levels"]}  # not the invitation
    for member in members.select_related("organization"):
        assert member.shares_plans == (member.organization.name in named(members.sharing_plans()))
        assert member.shares_answers == (member.organization.name == names["everything"])
        assert member.shares_outcome_indices == (member.organization.name == names["levels"])


def test_a_member_requiring_two_factor_is_seen_only_by_a_verified_session(cohort, strict):
    plain, verified = Scope(cohort, verified=False), Scope(cohort, verified=True)
    assert strict.pk not in plain.members().values_list("organization", flat=True)
    assert strict.pk in verified.members().values_list("organization", flat=True)
    assert (plain.left_out(), verified.left_out()) == (1, 0)
    assert plain.cache_key("frame", "2026") != verified.cache_key("frame", "2026")
    assert not plain.assessments().filter(program__organization=strict).exists()


def test_the_dashboard_cached_for_one_session_is_not_served_to_the_other(
    client, cohort, facilitator, strict
):
    client.force_login(facilitator)
    url = reverse("cohorts:dashboard", args=[cohort.pk])
    csv_url = reverse("cohorts:export", args=[cohort.pk, "levels", "csv"])
    assert "Strict Agency" not in client.get(url).content.decode()  # cached unverified
    verify_session(client, facilitator)
    assert "Strict Agency" in client.get(url).content.decode()  # its own cache entry
    assert "Strict Agency" in client.get(csv_url).content.decode()
    colleague = make_user("co-facilitator")  # no two-factor
    Facilitator.objects.create(cohort=cohort, user=colleague)
    client.force_login(colleague)
    page = client.get(url)
    assert page.status_code == 200 and "Member 1" in page.content.decode()
    assert "Strict Agency" not in page.content.decode()
    assert "Strict Agency" not in client.get(csv_url).content.decode()


def test_a_programs_latest_assessment_is_its_newest_cycle_whatever_the_order_of_entry(
    cohort, framework
):
    org = add_member_org(cohort, framework, "Alder", 2, cycle="2026")
    program = org.programs.get()
    older = submitted_assessment(program, framework, 1, cycle="2025")  # entered later
    draft = Assessment.objects.create(
        program=program, framework=framework, cycle=cycle_of(program, "2027")
    )
    other = Program.objects.create(organization=org, name="Second")
    only = submitted_assessment(other, framework, 3, cycle="2024")
    latest = Assessment.objects.latest_per_program()
    assert set(latest.filter(program__organization=org)) == {
        program.assessments.get(cycle__name="2026"),
        only,
    }
    # Filtering first does not change which one is the latest.
    assert not latest.filter(cycle__name="2025").exists()
    assert older not in latest and draft not in latest
    assert list(program.assessments.submitted().in_cycle_order()) == [
        older,
        program.assessments.get(cycle__name="2026"),
    ]


def test_the_scorecard_shows_the_steps_of_each_programs_newest_plan_only(
    client, cohort, facilitator, framework
):
    org = add_member_org(cohort, framework, "Planner", 2, sharing=Sharing.PLANS, cycle="2026")
    program = org.programs.get()
    older = submitted_assessment(program, framework, 1, cycle="2025")
    goal = SharedGoal.objects.create(cohort=cohort, title="Housing first")
    step = PlanStep.objects.create(
        assessment=older, dimension=framework.dimensions.first(), title="Step of the old plan"
    )
    GoalLink.objects.create(goal=goal, plan_step=step)
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:scorecard", args=[cohort.pk])).content.decode()
    assert "Step of the old plan" not in page
