"""Cohorts in the browser's terms: who sees what, consent, suppression, exports, caching."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Organization, PlanStep, Program
from assessments.services import assessment_reopen
from cohorts import services
from cohorts.models import Cohort, CohortMember, Facilitator, GoalLink, SharedGoal, Sharing
from tests.cohorts.conftest import add_member_org, org_leader, submitted_assessment
from tests.conftest import make_user


def sign_in(client, user):
    client.force_login(user)
    return client


def sheet_headers(sheet) -> list:
    return [cell.value for cell in sheet[1]]


def sheet_values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def dashboard_url(cohort, **query):
    url = reverse("cohorts:dashboard", args=[cohort.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_facilitator_sees_only_the_cohorts_they_facilitate(client, cohort, facilitator):
    other = Cohort.objects.create(name="Grantee cohort")
    Facilitator.objects.create(cohort=other, user=make_user("other-facilitator"))
    sign_in(client, facilitator)
    listing = client.get(reverse("cohorts:list")).content.decode()
    assert "County consortium" in listing
    assert "Grantee cohort" not in listing
    assert client.get(dashboard_url(cohort)).status_code == 200
    assert client.get(dashboard_url(other)).status_code == 404
    export = reverse("cohorts:export", args=[other.pk, "levels", "csv"])
    assert client.get(export).status_code == 404


def test_an_organizations_leader_cannot_open_the_dashboard(client, cohort, framework):
    org = add_member_org(cohort, framework, "Member", 2)
    sign_in(client, org_leader(org, "member-leader"))
    assert client.get(dashboard_url(cohort)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, cohort):
    response = client.get(dashboard_url(cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_shows_members_levels_and_the_cohort_spread(
    client, cohort, facilitator, five_members
):
    sign_in(client, facilitator)
    page = client.get(dashboard_url(cohort)).content.decode()
    for org in five_members:
        assert org.name in page
    assert "Suppressed" not in page
    assert 'data-chart="heatmap-chart"' in page
    assert 'data-chart="distribution-chart"' in page


def test_suppression_holds_at_four_organizations(client, cohort, facilitator, framework):
    for n in range(4):
        add_member_org(cohort, framework, f"Member {n}", n + 1)
    sign_in(client, facilitator)
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "Suppressed: fewer than five organizations" in page
    assert 'data-chart="distribution-chart"' not in page
    xlsx = client.get(reverse("cohorts:export", args=[cohort.pk, "levels", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Cohort"]
    rows = [dict(zip(sheet_headers(sheet), row, strict=True)) for row in sheet_values(sheet)]
    assert len(rows) == 5  # four dimensions and overall
    for row in rows:
        figures = [row["Lower quartile"], row["Median"], row["Upper quartile"]]
        assert figures == ["suppressed", "suppressed", "suppressed"]


def test_a_member_that_withdraws_disappears_from_dashboard_and_exports_at_once(
    client, cohort, facilitator, five_members
):
    sign_in(client, facilitator)
    export = reverse("cohorts:export", args=[cohort.pk, "levels", "csv"])
    assert "Member 0" in client.get(dashboard_url(cohort)).content.decode()  # cached now
    assert "Member 0" in client.get(export).content.decode("utf-8-sig")
    member = CohortMember.objects.get(organization=five_members[0])
    leader = org_leader(five_members[0], "leader-0")
    sign_in(client, leader)
    response = client.post(reverse("cohorts:membership_end", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == CohortMember.Status.WITHDRAWN
    sign_in(client, facilitator)
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "Member 0" not in page
    assert "Member 1" in page
    assert "Member 0" not in client.get(export).content.decode("utf-8-sig")
    detail = reverse("cohorts:member_detail", args=[cohort.pk, five_members[0].pk])
    assert client.get(detail).status_code == 404
    # Four organizations are left: the aggregates are now suppressed.
    assert "Suppressed: fewer than five organizations" in page


def test_the_dashboard_cache_is_refreshed_when_a_member_reopens_or_submits(
    client, cohort, facilitator, five_members, framework
):
    sign_in(client, facilitator)
    assert "Member 0 program 0" not in client.get(dashboard_url(cohort)).content.decode()
    assessment = five_members[0].programs.get().assessments.get()
    version = Cohort.objects.get(pk=cohort.pk).data_version
    assessment_reopen(assessment=assessment, by=facilitator, reason="Correction")
    assert Cohort.objects.get(pk=cohort.pk).data_version == version + 1
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "Member 0" not in page  # no submitted assessment left


def test_the_dashboards_query_count_does_not_grow_with_the_cohort(
    client, cohort, facilitator, framework
):
    for n in range(5):
        add_member_org(cohort, framework, f"Small {n}", 2, programs=2)
    add_member_org(cohort, framework, "Small older", 1, cycle="2025")
    sign_in(client, facilitator)

    def count() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(dashboard_url(cohort)).status_code == 200
        return len(context.captured_queries)

    small = count()
    for n in range(15):
        add_member_org(cohort, framework, f"Large {n}", 3, programs=3, cycle="2026")
        add_member_org(cohort, framework, f"Older {n}", 1, cycle="2025")
    assert count() == small
    assert small <= 12


def test_a_cached_dashboard_reads_only_the_cohort_and_the_session(
    client, cohort, facilitator, five_members
):
    sign_in(client, facilitator)
    client.get(dashboard_url(cohort))
    with CaptureQueriesContext(connection) as context:
        client.get(dashboard_url(cohort))
    tables = " ".join(q["sql"] for q in context.captured_queries)
    assert "assessments_dimensionscore" not in tables


def test_filters_narrow_the_members(client, cohort, facilitator, framework):
    add_member_org(cohort, framework, "Northern", 2, region="North")
    add_member_org(cohort, framework, "Southern", 3, region="South")
    sign_in(client, facilitator)
    page = client.get(dashboard_url(cohort, region="South")).content.decode()
    assert "Southern" in page
    assert "Northern</a>" not in page


def test_bad_filter_values_show_the_whole_cohort(client, cohort, facilitator, five_members):
    sign_in(client, facilitator)
    response = client.get(dashboard_url(cohort, cycle="1999", compare="x", page="999"))
    assert response.status_code == 200
    assert "Member 4" in response.content.decode()


def test_the_slope_chart_lists_the_most_improved_first(client, cohort, facilitator, framework):
    for n, (before, after) in enumerate([(1, 2), (1, 4), (3, 2)]):
        org = add_member_org(cohort, framework, f"Org {n}", before, cycle="2025")
        submitted_assessment(org.programs.get(), framework, after, cycle="2026")
    sign_in(client, facilitator)
    page = client.get(dashboard_url(cohort, cycle="2026", compare="2025")).content.decode()
    page = page.split('id="change-heading"')[1]
    assert page.index("Org 1") < page.index("Org 0") < page.index("Org 2")
    assert "+3.00" in page and "-1.00" in page


def test_exports_neutralise_formulas_in_member_names(client, cohort, facilitator, framework):
    add_member_org(cohort, framework, '=HYPERLINK("http://x")', 2)
    sign_in(client, facilitator)
    csv = client.get(reverse("cohorts:export", args=[cohort.pk, "levels", "csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("cohorts:export", args=[cohort.pk, "levels", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    names = [row[0].value for row in book["Programs"].iter_rows(min_row=2)]
    assert names == ['\'=HYPERLINK("http://x")']
    assert (
        client.get(reverse("cohorts:export", args=[cohort.pk, "levels", "pdf"])).status_code == 404
    )


# --- Consent ------------------------------------------------------------------------------------


@pytest.fixture
def invited(cohort, framework):
    org = add_member_org(cohort, framework, "Invited org", 2, status=CohortMember.Status.INVITED)
    return CohortMember.objects.get(organization=org)


def test_an_invited_organization_is_not_shown_until_a_leader_accepts(
    client, cohort, facilitator, invited
):
    sign_in(client, facilitator)
    assert "Invited org" not in client.get(dashboard_url(cohort)).content.decode()
    leader = org_leader(invited.organization, "invited-leader")
    sign_in(client, leader)
    assert "Invited org" in client.get(reverse("cohorts:list")).content.decode()
    url = reverse("cohorts:membership_sharing", args=[invited.pk])
    assert client.post(url, {"sharing": "nonsense"}).status_code == 400
    assert client.post(url, {"sharing": Sharing.PLANS}).status_code == 302
    invited.refresh_from_db()
    assert (invited.status, invited.sharing) == (CohortMember.Status.ACTIVE, Sharing.PLANS)
    assert invited.responded_by == leader
    sign_in(client, facilitator)
    assert "Invited org" in client.get(dashboard_url(cohort)).content.decode()


def test_only_leaders_change_consent(client, invited):
    viewer = make_user("org-viewer")
    invited.organization.memberships.create(user=viewer, role="viewer")
    sign_in(client, viewer)
    assert client.get(reverse("cohorts:membership", args=[invited.pk])).status_code == 200
    url = reverse("cohorts:membership_sharing", args=[invited.pk])
    assert client.post(url, {"sharing": Sharing.LEVELS}).status_code == 403
    sign_in(client, make_user("outsider"))
    assert client.post(url, {"sharing": Sharing.LEVELS}).status_code == 404
    invited.refresh_from_db()
    assert invited.status == CohortMember.Status.INVITED


def test_declining_keeps_the_organization_out(client, cohort, facilitator, invited):
    sign_in(client, org_leader(invited.organization, "decliner"))
    client.post(reverse("cohorts:membership_end", args=[invited.pk]))
    invited.refresh_from_db()
    assert invited.status == CohortMember.Status.DECLINED
    response = client.post(
        reverse("cohorts:membership_sharing", args=[invited.pk]), {"sharing": Sharing.LEVELS}
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == CohortMember.Status.DECLINED  # refused: ask to be invited again


def test_plans_and_answers_follow_the_consent(client, cohort, facilitator, framework, leader):
    org = add_member_org(cohort, framework, "Sharing org", 2, sharing=Sharing.LEVELS)
    assessment = org.programs.get().assessments.get()
    PlanStep.objects.create(
        assessment=assessment,
        dimension=framework.dimensions.first(),
        title="Publish a data dashboard",
    )
    member = CohortMember.objects.get(organization=org)
    detail = reverse("cohorts:member_detail", args=[cohort.pk, org.pk])
    answers = reverse("cohorts:member_answers", args=[cohort.pk, assessment.pk])
    sign_in(client, facilitator)
    assert "Publish a data dashboard" not in client.get(detail).content.decode()
    assert client.get(answers).status_code == 404
    member.sharing = Sharing.PLANS
    member.save()
    assert "Publish a data dashboard" in client.get(detail).content.decode()
    assert client.get(answers).status_code == 404
    member.sharing = Sharing.EVERYTHING
    member.save()
    assert client.get(answers).status_code == 200


def test_an_archived_programs_answers_leave_the_cohort(client, cohort, facilitator, framework):
    org = add_member_org(cohort, framework, "Archiving org", 2, sharing=Sharing.EVERYTHING)
    program = org.programs.get()
    answers = reverse("cohorts:member_answers", args=[cohort.pk, program.assessments.get().pk])
    sign_in(client, facilitator)
    assert client.get(answers).status_code == 200
    Program.objects.filter(pk=program.pk).update(archived_at=timezone.now())
    assert client.get(answers).status_code == 404


def test_a_member_sees_benchmarks_without_other_members_names(client, cohort, five_members):
    member = CohortMember.objects.get(organization=five_members[0])
    sign_in(client, org_leader(five_members[0], "bench-leader"))
    page = client.get(reverse("cohorts:membership", args=[member.pk])).content.decode()
    assert "Member 0 program 0" in page
    for other in five_members[1:]:
        assert other.name not in page
    table = page.split('id="benchmark-heading"')[1].split("</table>")[0]
    assert ">suppressed<" not in table
    assert "1.00–3.00 (2.00)" in table  # indexes 1, 1, 2, 3, 4


def test_member_benchmarks_are_suppressed_under_five_organizations(client, cohort, framework):
    orgs = [add_member_org(cohort, framework, f"Few {n}", 2) for n in range(4)]
    member = CohortMember.objects.get(organization=orgs[0])
    sign_in(client, org_leader(orgs[0], "few-leader"))
    page = client.get(reverse("cohorts:membership", args=[member.pk])).content.decode()
    table = page.split('id="benchmark-heading"')[1].split("</table>")[0]
    assert table.count(">suppressed<") == 4
    assert "Few 0 program 0" in table


# --- Invitations, goals, workgroups ---------------------------------------------------------------


def test_a_facilitator_creates_a_cohort_and_invites_organizations(
    client, org, other_org, leader, mailoutbox
):
    user = make_user("new-facilitator")
    sign_in(client, user)
    assert client.post(reverse("cohorts:create"), {"name": ""}).status_code == 400
    response = client.post(reverse("cohorts:create"), {"name": "State association"})
    cohort = Cohort.objects.get(name="State association")
    assert response["Location"] == reverse("cohorts:members", args=[cohort.pk])
    assert cohort.facilitators.get().user == user
    page = client.get(reverse("cohorts:members", args=[cohort.pk]) + "?q=" + org.name[:4])
    assert org.name in page.content.decode()
    invite = reverse("cohorts:invite", args=[cohort.pk])
    assert client.post(invite, {}).status_code == 400
    client.post(invite, {"organizations": [org.pk, other_org.pk]})
    assert set(cohort.members.values_list("status", flat=True)) == {"invited"}
    # The leaders of the invited organization hear of it (the other has no leader).
    assert [m.to for m in mailoutbox] == [[leader.email]]
    member = cohort.members.get(organization=org)
    assert reverse("cohorts:membership", args=[member.pk]) in mailoutbox[0].body
    assert "State association" in mailoutbox[0].subject
    client.post(invite, {"organizations": [org.pk]})  # already invited: unchanged
    assert cohort.members.count() == 2
    member = cohort.members.get(organization=org)
    client.post(reverse("cohorts:invitation_cancel", args=[cohort.pk, member.pk]))
    assert cohort.members.count() == 1


def test_goals_workgroups_and_member_step_ties(client, cohort, facilitator, framework):
    org = add_member_org(cohort, framework, "Tied org", 2, sharing=Sharing.PLANS)
    assessment = org.programs.get().assessments.get()
    step = PlanStep.objects.create(
        assessment=assessment, dimension=framework.dimensions.first(), title="Hire a data lead"
    )
    sign_in(client, facilitator)
    client.post(
        reverse("cohorts:goal_add", args=[cohort.pk]),
        {"title": "Close the gap", "target_year": "2030"},
    )
    bad = client.post(
        reverse("cohorts:goal_add", args=[cohort.pk]), {"title": "X", "target_year": "1900"}
    )
    assert bad.status_code == 400
    goal = SharedGoal.objects.get(cohort=cohort)
    client.post(
        reverse("cohorts:workgroup_add", args=[cohort.pk]),
        {"name": "Data group", "goal": goal.pk, "organizations": [org.pk]},
    )
    workgroup = cohort.workgroups.get()
    assert list(workgroup.organizations.all()) == [org]
    member = CohortMember.objects.get(organization=org)
    sign_in(client, org_leader(org, "tie-leader"))
    membership = reverse("cohorts:membership", args=[member.pk])
    page = client.get(membership).content.decode()
    assert "No step tied yet." in page and "Hire a data lead" not in page
    assert f'name="goal-{goal.pk}"' not in page  # ties are made on each step's page, not here
    client.post(reverse("cohorts:step_goals", args=[step.pk]), {"goals": [str(goal.pk)]})
    assert GoalLink.objects.get().plan_step == step
    page = client.get(membership).content.decode()
    assert reverse("assessments:plan_step_edit", args=[step.pk]) in page
    assert "Hire a data lead" in page
    client.post(reverse("cohorts:step_goals", args=[step.pk]), {})
    assert not GoalLink.objects.exists()


def test_a_step_of_another_organization_cannot_be_tied(client, cohort, framework, org, program):
    member_org = add_member_org(cohort, framework, "Member", 2)
    PlanStep.objects.create(
        assessment=member_org.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="Ours",
    )
    goal = SharedGoal.objects.create(cohort=cohort, title="Goal")
    foreign = submitted_assessment(program, framework, 2)
    step = PlanStep.objects.create(
        assessment=foreign, dimension=framework.dimensions.first(), title="Not yours"
    )
    sign_in(client, org_leader(member_org, "member-leader"))
    response = client.post(reverse("cohorts:step_goals", args=[step.pk]), {"goals": [goal.pk]})
    assert response.status_code == 404
    assert not GoalLink.objects.exists()


def test_organization_names_in_the_directory_are_limited(client, cohort, facilitator):
    Organization.objects.bulk_create(
        Organization(name=f"Agency {n:03d}", sector="public") for n in range(60)
    )
    sign_in(client, facilitator)
    page = client.get(reverse("cohorts:members", args=[cohort.pk])).content.decode()
    assert "Agency 049" in page
    assert "Agency 050" not in page
    assert "narrow the search" in page


def test_reopen_outside_a_cohort_does_not_fail(framework, leader, program):
    assessment = submitted_assessment(program, framework, 2)
    assessment_reopen(assessment=assessment, by=leader, reason="Fix")
    assert Program.objects.get(pk=program.pk).assessments.get().is_draft


def test_the_scorecard_shows_tied_steps_of_members_sharing_plans_only(
    client, cohort, facilitator, framework
):
    goal = SharedGoal.objects.create(cohort=cohort, title="Halve the gap in housing")
    dimension = framework.dimensions.first()
    for name, sharing in (("Planner", Sharing.PLANS), ("Quiet", Sharing.LEVELS)):
        org = add_member_org(cohort, framework, name, 2, sharing=sharing)
        step = PlanStep.objects.create(
            assessment=org.programs.get().assessments.get(),
            dimension=dimension,
            title=f"=Step of {name}",
            due_date=date(2020, 1, 1),
        )
        GoalLink.objects.create(goal=goal, plan_step=step)
    sign_in(client, facilitator)
    page = client.get(reverse("cohorts:scorecard", args=[cohort.pk])).content.decode()
    assert "Halve the gap in housing" in page
    assert "=Step of Planner" in page
    assert "Step of Quiet" not in page
    csv = client.get(reverse("cohorts:export", args=[cohort.pk, "scorecard", "csv"]))
    text = csv.content.decode("utf-8-sig")
    assert "'=Step of Planner" in text
    assert "Quiet" not in text


def test_a_member_without_steps_is_told_where_they_come_from(client, cohort, framework):
    org = add_member_org(cohort, framework, "No plan yet", 2)
    SharedGoal.objects.create(cohort=cohort, title="Goal")
    member = CohortMember.objects.get(organization=org)
    client.force_login(org_leader(org, "no-plan-leader"))
    page = client.get(reverse("cohorts:membership", args=[member.pk])).content.decode()
    assert "no action steps yet" in page
    assert not GoalLink.objects.exists()


def test_the_cohort_poster_is_one_page_without_member_names(
    client, cohort, facilitator, five_members
):
    from pypdf import PdfReader

    client.force_login(facilitator)
    url = reverse("cohorts:poster", args=[cohort.pk])
    response = client.get(url + "?size=a3")
    assert response["Content-Type"] == "application/pdf"
    assert "cohort-poster-a3.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "County consortium" in text
    assert "Member 0" not in text
    assert client.get(url + "?size=letter").status_code == 404


def add_outcomes(org, disparity: float) -> None:
    """A measure on the org's program: Black families' rate `disparity` times white families'."""
    from outcomes.models import OutcomeCount, OutcomeMeasure

    measure = OutcomeMeasure.objects.create(
        program=org.programs.first(),
        name="Stable housing",
        direction="favorable",
        denominator="families",
        granularity="year",
    )
    for period in ("2025", "2026"):
        for group, rate in (("white", 0.5), ("black", 0.5 / disparity), ("asian", 0.45)):
            OutcomeCount.objects.create(
                measure=measure, period=period, group=group, population=400, events=int(400 * rate)
            )


def test_the_disparity_trend_counts_only_members_that_share_outcomes(
    client, cohort, facilitator, five_members
):
    for n, org in enumerate(five_members):
        add_outcomes(org, 1.5 + n / 10)
    client.force_login(facilitator)
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "No member shares its equity outcome indices yet" in page
    for member in CohortMember.objects.filter(cohort=cohort):
        services.membership_respond(member=member, sharing=member.sharing, outcomes=True, by=None)
    page = client.get(dashboard_url(cohort)).content.decode()
    section = page.split('id="disparity-heading"')[1]
    assert 'data-chart="disparity-chart"' in section
    assert section.count("Suppressed: fewer") == 0
    assert "<td>5</td><td>5</td>" in section  # five organizations, five measures per period
    member = CohortMember.objects.get(organization=five_members[0])
    services.membership_respond(member=member, sharing=member.sharing, outcomes=False, by=None)
    section = client.get(dashboard_url(cohort)).content.decode().split('id="disparity-heading"')[1]
    assert section.count("Suppressed: fewer than five organizations") == 2
    assert 'data-chart="disparity-chart"' not in section


def test_withdrawing_stops_sharing_outcomes(client, cohort, five_members):
    member = CohortMember.objects.get(organization=five_members[0])
    leader = org_leader(five_members[0], "outcome-leader")
    client.force_login(leader)
    url = reverse("cohorts:membership_sharing", args=[member.pk])
    client.post(url, {"sharing": Sharing.LEVELS, "outcomes": "on"})
    member.refresh_from_db()
    assert member.shares_outcomes
    client.post(reverse("cohorts:membership_end", args=[member.pk]))
    member.refresh_from_db()
    assert not member.shares_outcomes


def test_the_goals_page_counts_only_ties_the_cohort_may_see(client, cohort, facilitator, framework):
    goal = SharedGoal.objects.create(cohort=cohort, title="Goal")
    for name, sharing in (("Planner", Sharing.PLANS), ("Quiet", Sharing.LEVELS)):
        org = add_member_org(cohort, framework, name, 2, sharing=sharing)
        step = PlanStep.objects.create(
            assessment=org.programs.get().assessments.get(),
            dimension=framework.dimensions.first(),
            title=f"Step of {name}",
        )
        GoalLink.objects.create(goal=goal, plan_step=step)
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:goals", args=[cohort.pk])).content.decode()
    assert "1 member step tied" in page


def test_an_organization_requiring_two_factor_requires_it_of_facilitators(
    client, cohort, facilitator, framework
):
    org = add_member_org(cohort, framework, "Strict agency", 2, sharing=Sharing.EVERYTHING)
    org.require_two_factor = True
    org.save()
    assessment = org.programs.get().assessments.get()
    client.force_login(facilitator)
    detail = client.get(reverse("cohorts:member_detail", args=[cohort.pk, org.pk]))
    assert detail.status_code == 403
    assert "requires two-factor sign-in" in detail.content.decode()
    answers = reverse("cohorts:member_answers", args=[cohort.pk, assessment.pk])
    assert client.get(answers).status_code == 403


def test_renaming_or_deleting_a_member_refreshes_the_dashboard(
    client, cohort, facilitator, five_members
):
    client.force_login(facilitator)
    assert "Member 2" in client.get(dashboard_url(cohort)).content.decode()
    five_members[2].delete()
    five_members[0].name = "Renamed agency"
    five_members[0].save()
    five_members[1].programs.get().assessments.get().delete()
    page = client.get(dashboard_url(cohort)).content.decode()
    assert "Member 2" not in page and "Member 1<" not in page
    assert "Renamed agency" in page


def test_a_member_that_stops_sharing_plans_takes_its_posters_out_of_stored_zips(
    client, cohort, facilitator, framework, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from cohorts.models import MemberPosterBatch as PosterBatch

    settings.MEDIA_ROOT = tmp_path
    org = add_member_org(cohort, framework, "Planner", 2, sharing=Sharing.PLANS)
    batch = PosterBatch.objects.create(cohort=cohort, requested_by=facilitator, size="a3")
    batch.archive.save("posters.zip", ContentFile(b"zip"))
    stored = Path(batch.archive.path)
    member = CohortMember.objects.get(organization=org)
    client.force_login(org_leader(org, "planner-leader"))
    client.post(
        reverse("cohorts:membership_sharing", args=[member.pk]), {"sharing": Sharing.LEVELS}
    )
    assert not PosterBatch.objects.filter(pk=batch.pk).exists()
    assert not stored.exists()


@pytest.mark.parametrize(
    "query", ["sector=tribal", "region=Nowhere", "service_area=zzz", "sector=bogus&page=x"]
)
def test_a_filter_matching_nothing_or_unknown_is_not_an_error(
    client, cohort, facilitator, five_members, query
):
    client.force_login(facilitator)
    response = client.get(dashboard_url(cohort) + "?" + query)
    assert response.status_code == 200
    export = reverse("cohorts:export", args=[cohort.pk, "levels", "xlsx"]) + "?" + query
    assert client.get(export).status_code == 200


def test_the_shown_cycle_decides_which_framework_version_is_the_reference(
    client, cohort, facilitator, framework
):
    from assessments.framework_io import framework_copy

    newer = framework_copy(framework)
    changed = newer.dimensions.get(key="governance").indicators.first()
    changed.key = "a-new-indicator"
    changed.save()
    orgs = [add_member_org(cohort, framework, f"Agency {n}", 2, cycle="2025") for n in range(7)]
    for org in orgs[:6]:
        submitted_assessment(org.programs.get(), newer, 3, cycle="2026")
    client.force_login(facilitator)
    page = client.get(dashboard_url(cohort, cycle="2026", compare="2025")).content.decode()
    spread = page.split('id="spread-heading"')[1].split("</table>")[0]
    governance = spread.split("Governance")[1].split("</tr>")[0]
    assert "<td>6</td><td>3.00</td><td>3.00</td><td>3.00</td>" in governance
    note = "7 assessments on Value Curve Equity Self-Assessment v1 are not compared in: Governance"
    assert note in " ".join(page.split())


def test_new_outcome_counts_refresh_the_cached_disparity_trend(
    client, cohort, facilitator, five_members, leader
):
    from outcomes import services as outcome_services
    from outcomes.models import OutcomeMeasure

    for member in CohortMember.objects.filter(cohort=cohort):
        services.membership_respond(member=member, sharing=member.sharing, outcomes=True, by=None)
    client.force_login(facilitator)
    assert (
        "No member shares its equity outcome indices"
        in client.get(dashboard_url(cohort)).content.decode()
    )
    for org in five_members:
        measure = OutcomeMeasure.objects.create(
            program=org.programs.get(), name="Housed", direction="favorable", denominator="families"
        )
        outcome_services.counts_save_period(
            measure=measure,
            period="2026",
            values={"white": (400, 200), "black": (300, 90), "asian": (200, 80)},
            by=leader,
        )
    section = client.get(dashboard_url(cohort)).content.decode().split('id="disparity-heading"')[1]
    assert 'data-chart="disparity-chart"' in section


def test_a_leaders_home_page_shows_cohort_invitations_waiting_for_an_answer(
    client, cohort, framework, invited, viewer
):
    leader = org_leader(invited.organization, "home-leader")
    client.force_login(leader)
    page = client.get(reverse("assessments:home")).content.decode()
    assert "Cohort invitations waiting for your answer" in page
    assert reverse("cohorts:membership", args=[invited.pk]) in page
    invited.organization.memberships.create(user=viewer, role="viewer")
    client.force_login(viewer)
    assert "Cohort invitations" not in client.get(reverse("assessments:home")).content.decode()
