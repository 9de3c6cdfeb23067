"""Hostile text is shown as text on every cohort page, and bad input to every cohort form gets
a clear refusal (never a 500) and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Organization, PlanStep
from cohorts import services
from cohorts.models import (
    Cohort,
    CohortMember,
    GoalLink,
    NewcomerInvitation,
    SharedGoal,
    Sharing,
    Workgroup,
)
from tests.cohorts.conftest import add_member_org, org_leader

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.fixture
def hostile(cohort, facilitator, framework):
    Cohort.objects.filter(pk=cohort.pk).update(name=PAYLOAD, description=PAYLOAD)
    cohort.refresh_from_db()
    orgs = [
        add_member_org(cohort, framework, f"{PAYLOAD} {n}", n % 4 + 1, sharing=Sharing.EVERYTHING)
        for n in range(5)
    ]
    goal = SharedGoal.objects.create(cohort=cohort, title=PAYLOAD, description=PAYLOAD)
    workgroup = Workgroup.objects.create(cohort=cohort, name=PAYLOAD, goal=goal)
    workgroup.organizations.set(orgs)
    assessment = orgs[0].programs.get().assessments.get()
    step = PlanStep.objects.create(
        assessment=assessment, dimension=framework.dimensions.first(), title=PAYLOAD, owner=PAYLOAD
    )
    GoalLink.objects.create(goal=goal, plan_step=step)
    assessment.answers.create(
        indicator=framework.dimensions.first().indicators.first(), level=2, evidence=PAYLOAD
    )
    return {"cohort": cohort, "orgs": orgs, "goal": goal, "assessment": assessment}


def test_hostile_text_is_escaped_on_every_cohort_page(client, facilitator, hostile):
    cohort = hostile["cohort"]
    client.force_login(facilitator)
    pages = [
        reverse("cohorts:list"),
        reverse("cohorts:dashboard", args=[cohort.pk]),
        reverse("cohorts:scorecard", args=[cohort.pk]),
        reverse("cohorts:goals", args=[cohort.pk]),
        reverse("cohorts:members", args=[cohort.pk]),
        reverse("cohorts:member_detail", args=[cohort.pk, hostile["orgs"][0].pk]),
        reverse("cohorts:member_answers", args=[cohort.pk, hostile["assessment"].pk]),
        reverse("cohorts:goal_edit", args=[cohort.pk, hostile["goal"].pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert PAYLOAD not in html, url
        assert "<script>alert" not in html, url
        assert ESCAPED in html or "\\u003cscript\\u003e" in html, url
    member = CohortMember.objects.get(organization=hostile["orgs"][0])
    client.force_login(org_leader(hostile["orgs"][0], "hostile-leader"))
    html = client.get(reverse("cohorts:membership", args=[member.pk])).content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html
    html = client.get(reverse("cohorts:membership_end", args=[member.pk])).content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html


def test_hostile_text_is_escaped_on_the_invitation_of_a_new_organization(
    client, facilitator, cohort
):
    Cohort.objects.filter(pk=cohort.pk).update(name=PAYLOAD)
    token = services.newcomer_invite(
        cohort=cohort, email="new@example.org", organization_name=PAYLOAD, by=facilitator
    )
    join = reverse("cohorts:join", args=[token])
    client.force_login(facilitator)
    pages = [reverse("cohorts:members", args=[cohort.pk]), join]
    client.logout()
    pages_html = [Client().get(join).content.decode()]
    client.force_login(facilitator)
    pages_html += [client.get(url).content.decode() for url in pages]
    for html in pages_html:
        assert PAYLOAD not in html
        assert "<script>alert" not in html
        assert ESCAPED in html


HUGE = "x" * 100_000
BAD_VALUES = ["", "   ", HUGE, "a\x00b", "not-a-choice", "-1", "99999999999999999999", "1.5"]


def snapshot(cohort) -> tuple:
    return (
        Cohort.objects.count(),
        sorted(cohort.members.values_list("organization_id", "status", "sharing")),
        sorted(
            cohort.goals.values_list("title", "target_year", "measure", "target", "target_date")
        ),
        sorted(cohort.workgroups.values_list("name", "goal_id")),
        GoalLink.objects.count(),
        sorted(NewcomerInvitation.objects.values_list("email", "accepted_at")),
        Organization.objects.count(),
    )


@pytest.fixture
def forms(cohort, facilitator, framework):
    org = add_member_org(cohort, framework, "Member", 2, sharing=Sharing.PLANS)
    goal = SharedGoal.objects.create(cohort=cohort, title="Goal")
    workgroup = Workgroup.objects.create(cohort=cohort, name="Group")
    step = PlanStep.objects.create(
        assessment=org.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="A step",
    )
    member = CohortMember.objects.get(organization=org)
    leader = org_leader(org, "bad-input-leader")
    token = services.newcomer_invite(
        cohort=cohort, email="new@example.org", organization_name="", by=facilitator
    )
    return [
        (
            facilitator,
            reverse("cohorts:newcomer_invite", args=[cohort.pk]),
            ["email", "organization_name"],
        ),
        (leader, reverse("cohorts:join", args=[token]), ["name", "sector", "region", "size"]),
        (facilitator, reverse("cohorts:create"), ["name", "description"]),
        (facilitator, reverse("cohorts:invite", args=[cohort.pk]), ["organizations"]),
        (
            facilitator,
            reverse("cohorts:goal_add", args=[cohort.pk]),
            ["title", "measure", "target", "target_date", "target_year"],
        ),
        (
            facilitator,
            reverse("cohorts:goal_edit", args=[cohort.pk, goal.pk]),
            ["title", "description", "measure", "target", "target_date", "target_year"],
        ),
        (
            facilitator,
            reverse("cohorts:workgroup_add", args=[cohort.pk]),
            ["name", "goal", "organizations"],
        ),
        (
            facilitator,
            reverse("cohorts:workgroup_edit", args=[cohort.pk, workgroup.pk]),
            ["name", "goal", "organizations"],
        ),
        (leader, reverse("cohorts:membership_sharing", args=[member.pk]), ["sharing"]),
        (leader, reverse("cohorts:step_goals", args=[step.pk]), ["goals"]),
    ]


def test_bad_input_is_refused_clearly_and_changes_nothing(client, cohort, forms):
    cases = 0
    for user, url, fields in forms:
        client.force_login(user)
        for field in fields:
            for value in BAD_VALUES:
                before = snapshot(cohort)
                response = client.post(url, {field: value})
                cases += 1
                assert response.status_code in (302, 400), (url, field, value[:20])
                if response.status_code == 400:
                    assert snapshot(cohort) == before, (url, field, value[:20])
                    html = response.content.decode()
                    shown = 'class="invalid-feedback' in html or "alert-danger" in html
                    assert shown, (url, field, value[:20])
                elif value != "":
                    # Accepted: only a value the form may take (a stripped, short text).
                    assert value.strip() and len(value) < 1000 and "\x00" not in value, (
                        url,
                        field,
                    )
    assert cases == 8 * sum(len(fields) for _, _, fields in forms)
