"""Organizations and programs made in the app: creating, the profile, programs added,
edited, archived (out of every list, history kept) and restored; the home page's
getting-started checklist; confirmation pages; the site's own error pages."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from assessments import levels, organizations
from assessments.checklist import OrganizationFacts, checklist_steps
from assessments.models import Assessment, Membership, Organization, PlanStep, Program, Role
from assessments.services import assessment_start, assessment_submit
from reports.batches import latest_submitted
from tests.conftest import answer_all, make_user
from tests.cycles import cycle_of, new_cycle

NEW_ORG = {"name": "Eastside Family Center", "sector": "nonprofit", "region": "", "size": ""}


def html(response) -> str:
    return response.content.decode()


def submitted(program, framework, by, cycle: str = "2025") -> Assessment:
    assessment = assessment_start(
        program=program, cycle=cycle_of(program, cycle), framework=framework, by=by
    )
    answer_all(assessment, levels.COLLABORATIVE)
    assessment_submit(assessment=assessment, expected_version=assessment.version, by=by)
    return assessment


# --- The checklist, from plain facts ---------------------------------------------------------

NOTHING = OrganizationFacts(False, False, False, False, False)


def test_the_checklist_lists_the_five_first_steps_in_order():
    assert [s.key for s in checklist_steps(NOTHING)] == [
        "profile",
        "program",
        "team",
        "assessment",
        "commitment",
    ]
    assert not any(s.done for s in checklist_steps(NOTHING))


def test_the_checklist_marks_what_is_done_and_goes_away_when_all_is():
    some = OrganizationFacts(True, True, False, False, False)
    assert [s.done for s in checklist_steps(some)] == [True, True, False, False, False]
    assert checklist_steps(OrganizationFacts(True, True, True, True, True)) == []


# --- Creating an organization and its programs -----------------------------------------------


def test_a_signed_in_person_creates_an_organization_and_becomes_its_leader(client, db):
    person = make_user("founder")
    client.force_login(person)
    response = client.post(reverse("assessments:organization_create"), NEW_ORG)
    organization = Organization.objects.get(name="Eastside Family Center")
    assert response.url == reverse("assessments:program_create", args=[organization.pk])
    assert Membership.objects.get(user=person, organization=organization).role == Role.LEADER
    assert organization.history.first().history_user == person


def test_an_organization_needs_a_name_and_a_known_sector(client, db):
    client.force_login(make_user("founder"))
    response = client.post(
        reverse("assessments:organization_create"), NEW_ORG | {"name": " ", "sector": "pirate"}
    )
    assert response.status_code == 400
    assert not Organization.objects.exists()


def test_a_leader_edits_the_profile(client, leader, org):
    client.force_login(leader)
    data = {"name": "Riverside DSS", "sector": "public", "region": "Riverside", "size": "large"}
    client.post(reverse("assessments:organization_profile", args=[org.pk]), data)
    org.refresh_from_db()
    assert (org.name, org.region, org.size) == ("Riverside DSS", "Riverside", "large")


def test_a_leader_adds_and_edits_a_program(client, leader, org):
    client.force_login(leader)
    data = {"name": "Youth Jobs", "service_area": "Workforce", "population_served": "16-24"}
    response = client.post(reverse("assessments:program_create", args=[org.pk]), data)
    program = Program.objects.get(name="Youth Jobs")
    assert program.organization == org
    assert response.url == reverse("assessments:program", args=[program.pk])
    data |= {"name": "Youth Jobs Plus"}
    client.post(reverse("assessments:program_edit", args=[program.pk]), data)
    program.refresh_from_db()
    assert program.name == "Youth Jobs Plus"


def test_the_organization_form_sent_twice_makes_one_organization(client, db):
    client.force_login(make_user("founder"))
    client.post(reverse("assessments:organization_create"), NEW_ORG)
    again = client.post(reverse("assessments:organization_create"), NEW_ORG)
    assert again.status_code == 400
    assert "You already lead an organization named" in html(again)
    assert Organization.objects.count() == 1


def test_program_names_are_unique_in_an_organization_archived_ones_included(
    client, leader, org, program
):
    organizations.program_archive(program=program, by=leader)
    client.force_login(leader)
    data = {"name": program.name.upper(), "service_area": "Housing"}
    response = client.post(reverse("assessments:program_create", args=[org.pk]), data)
    assert response.status_code == 400
    assert "perhaps archived" in html(response)
    assert Program.objects.count() == 1


def test_a_program_needs_a_service_area(client, leader, org):
    client.force_login(leader)
    response = client.post(reverse("assessments:program_create", args=[org.pk]), {"name": "X"})
    assert response.status_code == 400
    assert not Program.objects.exists()


# --- Archiving ---------------------------------------------------------------------------


def test_archiving_asks_first_and_the_question_changes_nothing(client, leader, program):
    client.force_login(leader)
    page = client.get(reverse("assessments:program_archive", args=[program.pk]))
    assert page.status_code == 200
    assert "Archive program" in html(page)
    assert 'method="post"' in html(page)
    program.refresh_from_db()
    assert not program.is_archived


def test_an_archived_program_leaves_the_lists_and_keeps_its_history(
    client, leader, org, program, framework
):
    assessment = submitted(program, framework, leader)
    client.force_login(leader)
    done = client.post(reverse("assessments:program_archive", args=[program.pk]), follow=True)
    assert "Family Stability is archived." in html(done)
    program.refresh_from_db()
    assert program.is_archived
    home = html(client.get(reverse("assessments:home")))
    assert program.name not in home
    card = html(client.get(reverse("scorecards:organization", args=[org.pk])))
    assert program.name not in card
    assert latest_submitted(org) == []
    assert Program.objects.active().count() == 0
    assert list(Assessment.objects.of_active_programs()) == []
    # History kept: its page, its results, its assessments.
    detail = html(client.get(reverse("assessments:program", args=[program.pk])))
    assert "Archived on" in detail
    assert client.get(reverse("reports:results", args=[assessment.pk])).status_code == 200
    assert program.assessments.count() == 1


def test_an_archived_program_starts_no_new_cycle(client, leader, program, framework):
    organizations.program_archive(program=program, by=leader)
    client.force_login(leader)
    response = client.post(
        reverse("assessments:start", args=[program.pk]),
        {**new_cycle("2027"), "framework": framework.pk},
    )
    assert response.status_code == 409
    assert not program.assessments.exists()


def test_a_leader_restores_an_archived_program(client, leader, org, program):
    organizations.program_archive(program=program, by=leader)
    client.force_login(leader)
    listing = html(client.get(reverse("assessments:programs", args=[org.pk])))
    assert "Archived programs" in listing
    assert reverse("assessments:program_restore", args=[program.pk]) in listing
    client.post(reverse("assessments:program_restore", args=[program.pk]))
    program.refresh_from_db()
    assert not program.is_archived
    assert program.name in html(client.get(reverse("assessments:home")))


def test_archiving_twice_is_refused_with_a_message(leader, program):
    organizations.program_archive(program=program, by=leader)
    with pytest.raises(organizations.ProgramError):
        organizations.program_archive(program=program, by=leader)


def test_a_viewer_does_not_see_archived_programs_or_management_links(client, viewer, org, program):
    organizations.program_archive(program=program, by=None)
    client.force_login(viewer)
    listing = html(client.get(reverse("assessments:programs", args=[org.pk])))
    assert program.name not in listing
    assert "Add a program" not in listing


# --- The home page ----------------------------------------------------------------------------


def test_someone_with_no_organization_sees_how_to_create_one(client, db):
    client.force_login(make_user("alone"))
    page = html(client.get(reverse("assessments:home")))
    assert "You are not part of an organization yet" in page
    assert reverse("assessments:organization_create") in page
    assert "invitation email" in page


def test_a_new_organizations_leader_sees_the_checklist_with_each_step_linked(client, db):
    person = make_user("founder")
    organizations.organization_create(organization=Organization(**NEW_ORG), by=person)
    organization = Organization.objects.get()
    client.force_login(person)
    page = html(client.get(reverse("assessments:home")))
    assert "Getting started" in page
    for name in ("organization_profile", "program_create", "members", "programs", "statements"):
        assert reverse(f"assessments:{name}", args=[organization.pk]) in page


def test_the_checklist_follows_progress_and_disappears_when_done(
    client, leader, contributor, org, program, framework
):
    client.force_login(leader)
    page = html(client.get(reverse("assessments:home")))
    # A program and a second member: those two are done; the profile is not.
    assert page.count('badge text-bg-success">done') == 2
    org.region, org.size, org.commitment_statement = "Riverside", "large", "We commit."
    org.save()
    assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    assert "Getting started" not in html(client.get(reverse("assessments:home")))


def test_the_checklist_is_for_leaders_only(client, viewer, org):
    client.force_login(viewer)
    assert "Getting started" not in html(client.get(reverse("assessments:home")))


def test_an_invitation_waiting_for_an_answer_counts_as_inviting_the_team(client, leader, org):
    from assessments import members

    members.invitation_create(organization=org, email="x@example.org", role="viewer", by=leader)
    facts = organizations.organization_facts([org.pk])[org.pk]
    assert facts.has_team
    assert not facts.has_program


# --- Confirmations of destructive actions ------------------------------------------------


def test_removing_a_plan_step_asks_first(client, leader, program, framework, action_steps):
    assessment = submitted(program, framework, leader)
    step = PlanStep.objects.filter(assessment=assessment).first()
    client.force_login(leader)
    page = client.get(reverse("assessments:plan_step_remove", args=[step.pk]))
    assert "Remove step" in html(page)
    assert PlanStep.objects.filter(pk=step.pk).exists()
    client.post(reverse("assessments:plan_step_remove", args=[step.pk]))
    assert not PlanStep.objects.filter(pk=step.pk).exists()


def test_ending_a_membership_asks_first(client, leader, viewer):
    membership = Membership.objects.get(user=viewer)
    client.force_login(leader)
    page = client.get(reverse("assessments:remove_member", args=[membership.pk]))
    assert "End the membership" in html(page)
    assert Membership.objects.filter(pk=membership.pk).exists()
    members_page = html(
        client.get(reverse("assessments:members", args=[membership.organization_id]))
    )
    assert f'href="{reverse("assessments:remove_member", args=[membership.pk])}"' in members_page


# --- The site's own error pages ----------------------------------------------------------


def test_a_page_lost_with_access_is_the_sites_own_404_with_a_way_home(client, leader, org, program):
    Membership.objects.filter(user=leader).delete()
    client.force_login(leader)
    response = client.get(reverse("assessments:program", args=[program.pk]))
    assert response.status_code == 404
    page = html(response)
    assert "This page is not here" in page
    assert "no longer have access" in page
    assert reverse("assessments:home") in page
    assert "URLconf" not in page  # not Django's debug page


def test_the_500_page_is_the_sites_own(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong on our side" in page
    assert reverse("assessments:home") in page
