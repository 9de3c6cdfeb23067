"""Every cohort URL, every role: who may see and change what.

The cast: anonymous, a stranger, the facilitator of another cohort, a viewer and a leader of a
member organization, and the cohort's facilitator. A cohort URL without a row here fails
`test_every_cohort_url_has_an_access_rule`.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assessments.models import Membership, PlanStep, Role
from cohorts.models import (
    Cohort,
    CohortMember,
    Facilitator,
    GoalLink,
    MemberPosterBatch,
    NewcomerInvitation,
    SharedGoal,
    Sharing,
    Workgroup,
)
from cohorts.services import newcomer_invite
from tests.assessments.test_access import _named_urls
from tests.cohorts.conftest import add_member_org
from tests.conftest import make_user

# Cohort URLs that are public links, in the main table (tests/assessments/test_access.py).
COHORT_URLS_IN_MAIN_TABLE = {"cohorts:join"}
ROLES = [
    "anonymous",
    "stranger",
    "other_facilitator",
    "member_viewer",
    "member_leader",
    "facilitator",
]
WHO = {
    "signed_in": set(ROLES) - {"anonymous"},
    "facilitator": {"facilitator"},
    "member_read": {"member_viewer", "member_leader"},
    "member_lead": {"member_leader"},
}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    args: tuple[str, ...]  # names of the world's ids, in URL order
    need: str
    ok: int
    data: tuple = ()

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"


CASES = [
    Case("cohorts:list", "GET", (), "signed_in", 200),
    Case("cohorts:create", "POST", (), "signed_in", 302, (("name", "New cohort"),)),
    Case("cohorts:dashboard", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:member_detail", "GET", ("cohort", "organization"), "facilitator", 200),
    Case("cohorts:member_answers", "GET", ("cohort", "assessment"), "facilitator", 200),
    Case("cohorts:members", "GET", ("cohort",), "facilitator", 200),
    Case(
        "cohorts:invite", "POST", ("cohort",), "facilitator", 302, (("organizations", "outsider"),)
    ),
    Case(
        "cohorts:newcomer_invite",
        "POST",
        ("cohort",),
        "facilitator",
        302,
        (("email", "new-leader@example.org"), ("organization_name", "Newcomers")),
    ),
    Case("cohorts:invitation_cancel", "POST", ("cohort", "invited"), "facilitator", 302),
    Case("cohorts:newcomer_withdraw", "GET", ("cohort", "newcomer"), "facilitator", 200),
    Case("cohorts:newcomer_withdraw", "POST", ("cohort", "newcomer"), "facilitator", 302),
    Case("cohorts:statements", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:statements", "POST", ("cohort",), "facilitator", 302, (("vision", "Together"),)),
    Case("cohorts:goals", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:goal_add", "POST", ("cohort",), "facilitator", 302, (("title", "A new goal"),)),
    Case("cohorts:goal_edit", "GET", ("cohort", "goal"), "facilitator", 200),
    Case(
        "cohorts:goal_edit", "POST", ("cohort", "goal"), "facilitator", 302, (("title", "Renamed"),)
    ),
    Case("cohorts:goal_remove", "POST", ("cohort", "goal"), "facilitator", 302),
    Case(
        "cohorts:workgroup_add", "POST", ("cohort",), "facilitator", 302, (("name", "New group"),)
    ),
    Case("cohorts:workgroup_edit", "GET", ("cohort", "workgroup"), "facilitator", 200),
    Case(
        "cohorts:workgroup_edit",
        "POST",
        ("cohort", "workgroup"),
        "facilitator",
        302,
        (("name", "Renamed group"),),
    ),
    Case("cohorts:workgroup_remove", "POST", ("cohort", "workgroup"), "facilitator", 302),
    Case("cohorts:scorecard", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:rounds", "GET", ("cohort",), "facilitator", 200),
    Case(
        "cohorts:rounds",
        "POST",
        ("cohort",),
        "facilitator",
        302,
        (("name", "2031"), ("starts_on", "2031-03-01"), ("ends_on", "2031-04-30")),
    ),
    Case("cohorts:round_edit", "GET", ("cohort", "round"), "facilitator", 200),
    Case(
        "cohorts:round_edit",
        "POST",
        ("cohort", "round"),
        "facilitator",
        302,
        (("name", "2026"), ("starts_on", "2026-02-01"), ("ends_on", "2026-06-30")),
    ),
    Case("cohorts:export", "GET", ("cohort", "=levels", "=xlsx"), "facilitator", 200),
    Case("cohorts:export_dictionary", "GET", ("cohort", "=levels"), "facilitator", 200),
    Case("cohorts:poster", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:poster_page", "GET", ("cohort",), "facilitator", 200),
    Case("cohorts:poster_batch_start", "POST", ("cohort",), "facilitator", 302, (("size", "a3"),)),
    Case("cohorts:poster_batch", "GET", ("cohort", "batch"), "facilitator", 200),
    Case("cohorts:poster_batch_download", "GET", ("cohort", "batch"), "facilitator", 200),
    Case("cohorts:membership", "GET", ("member",), "member_read", 200),
    Case(
        "cohorts:membership_sharing",
        "POST",
        ("member",),
        "member_lead",
        302,
        (("sharing", "plans"),),
    ),
    Case("cohorts:membership_end", "GET", ("member",), "member_lead", 200),  # confirmation
    Case("cohorts:membership_end", "POST", ("member",), "member_lead", 302),
    Case("cohorts:step_goals", "GET", ("step",), "member_lead", 200),
    Case("cohorts:step_goals", "POST", ("step",), "member_lead", 302, (("goals", "goal"),)),
]


@pytest.fixture
def world(cohort, facilitator, framework, settings, tmp_path):
    return world_build(cohort, facilitator, framework, settings, tmp_path)


def world_build(cohort, facilitator, framework, settings, tmp_path) -> dict:
    """The cast and ids every case is called with (the phone test visits them too)."""
    settings.MEDIA_ROOT = tmp_path
    org = add_member_org(cohort, framework, "Member", 2, sharing=Sharing.EVERYTHING)
    invited = add_member_org(cohort, framework, "Invited", 2, status=CohortMember.Status.INVITED)
    users = {
        "facilitator": facilitator,
        "stranger": make_user("stranger"),
        "other_facilitator": make_user("other-facilitator"),
        "member_viewer": make_user("member-viewer"),
        "member_leader": make_user("member-leader"),
    }
    other = Cohort.objects.create(name="Other cohort")
    Facilitator.objects.create(cohort=other, user=users["other_facilitator"])
    Membership.objects.create(user=users["member_viewer"], organization=org, role=Role.VIEWER)
    Membership.objects.create(user=users["member_leader"], organization=org, role=Role.LEADER)
    outsider = add_member_org(other, framework, "Outsider", 1)
    goal = SharedGoal.objects.create(cohort=cohort, title="Goal")
    step = PlanStep.objects.create(
        assessment=org.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="A step",
    )
    newcomer_invite(
        cohort=cohort, email="waiting@example.org", organization_name="", by=facilitator
    )
    ids = {
        "newcomer": cohort.newcomers.get(email="waiting@example.org").pk,
        "step": step.pk,
        "cohort": cohort.pk,
        "organization": org.pk,
        "assessment": org.programs.get().assessments.get().pk,
        "invited": CohortMember.objects.get(organization=invited).pk,
        "member": CohortMember.objects.get(organization=org).pk,
        "goal": goal.pk,
        "workgroup": Workgroup.objects.create(cohort=cohort, name="Group").pk,
        "outsider": outsider.pk,
        "round": cohort.rounds.get(name="2026").pk,
        "batch": MemberPosterBatch.objects.create(cohort=cohort, size="a3", status="done").pk,
    }
    batch = MemberPosterBatch.objects.get(pk=ids["batch"])
    batch.archive.save("access.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    return {"users": users, "ids": ids, "cohort": cohort}


def state(world) -> tuple:
    """What the POST cases can change, to see whether a refused request changed nothing."""
    cohort = world["cohort"]
    return (
        Cohort.objects.count(),
        sorted(cohort.members.values_list("organization__name", "status", "sharing")),
        sorted(cohort.goals.values_list("title", flat=True)),
        sorted(cohort.workgroups.values_list("name", flat=True)),
        GoalLink.objects.count(),
        MemberPosterBatch.objects.count(),
        NewcomerInvitation.objects.count(),
        NewcomerInvitation.objects.pending().count(),
        Cohort.objects.filter(pk=cohort.pk).values_list("vision", flat=True).get(),
        sorted(cohort.rounds.values_list("name", "starts_on", "ends_on")),
    )


def url_for(case: Case, ids: dict) -> str:
    args = [arg[1:] if arg.startswith("=") else ids[arg] for arg in case.args]
    return reverse(case.name, args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_cohort_access(client, world, case, role):
    allowed = role in WHO[case.need]
    if role != "anonymous":
        client.force_login(world["users"][role])
    url = url_for(case, world["ids"])
    data = {key: world["ids"].get(value, value) for key, value in case.data}
    before = state(world)
    response = client.get(url) if case.method == "GET" else client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif allowed:
        assert response.status_code == case.ok
    else:
        expected = 403 if case.need == "member_lead" and role == "member_viewer" else 404
        assert response.status_code == expected
    if case.method == "POST":
        assert (state(world) != before) is (allowed and role != "anonymous")


def test_every_cohort_url_has_an_access_rule():
    from django.urls import get_resolver

    named = {n for n in _named_urls(get_resolver().url_patterns) if n.startswith("cohorts:")}
    assert named == {case.name for case in CASES} | COHORT_URLS_IN_MAIN_TABLE
