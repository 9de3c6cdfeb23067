"""Pages keep a constant number of queries as the data grows: no N+1.

Each test measures a page on a small dataset, grows the data, and measures again: the two
counts must be equal. A fixed upper bound on top makes a regression show even when it
happens to add the same number of queries to both.
"""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import levels
from assessments.framework_io import parse_framework
from assessments.models import Answer, Indicator, Membership, Organization, Program, Role
from assessments.services import (
    assessment_reopen,
    assessment_start,
    assessment_submit,
    respondents_assign,
)
from tests.conftest import FRAMEWORK_FILE, make_user
from tests.cycles import cycle_of

_PARSED = parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))

# The counts measured (session and user included); raise one only with a reason.
# Every page also pays 1 for sign-in safety: the two-factor check. (The session is written for
# the idle timeout at most every few minutes, valuecurve/sessions.py, not on each request.)
PER_REQUEST = 1
# + cohort invitations waiting for an answer, + the respondent's to-do, + the leaders'
# getting-started checklist (1), + the cohort rounds of the user's organizations (1)
HOME_MAX = 10 + PER_REQUEST
# Session, user, the organization, the membership, the active and the archived programs.
PROGRAMS_MAX = 6 + PER_REQUEST
PROGRAM_MAX = 11 + PER_REQUEST  # + the organization's cycles, for the start form; + its surveys
# + the spread, the outcome data's version (its summaries are cached), the cycles for the trend
RESULTS_MAX = 14 + PER_REQUEST
DIMENSION_MAX = 9 + PER_REQUEST  # + the respondents of the assessment
# + respondents, their answer counts, the assign form (2), the viewers it does not offer
REVIEW_MAX = 13 + PER_REQUEST


@pytest.fixture
def framework_data() -> dict:
    return copy.deepcopy(_PARSED)


def queries_for(client, url: str) -> int:
    """The queries of a request after a first one: what a page costs once the derived data
    it caches (the outcome summaries) is cached for the current data."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def answer_everything(assessment, level: int = levels.REGULATIVE, by=None) -> None:
    indicators = Indicator.objects.filter(dimension__framework=assessment.framework)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=i, level=level, evidence="Report", answered_by=by)
        for i in indicators
    )


def submitted_cycle(program, framework, by, cycle: str, level: int = levels.REGULATIVE):
    assessment = assessment_start(
        program=program, cycle=cycle_of(program, cycle), framework=framework, by=by
    )
    answer_everything(assessment, level, by)
    assessment_submit(assessment=assessment, expected_version=assessment.version, by=by)
    return assessment


def another_org(user, number: int, role: str = Role.VIEWER) -> Organization:
    other = Organization.objects.create(name=f"Partner {number}", sector="nonprofit")
    Membership.objects.create(user=user, organization=other, role=role)
    return other


def new_program(organization, number: int) -> Program:
    return Program.objects.create(
        organization=organization, name=f"Program {number:02}", service_area="Health"
    )


def test_the_home_page_queries_do_not_grow_with_programs_and_organizations(
    client, leader, org, program, framework, django_assert_max_num_queries
):
    submitted_cycle(program, framework, leader, "2025")
    client.force_login(leader)
    url = reverse("assessments:home")
    small = queries_for(client, url)

    programs = [program]
    for number in range(1, 3):
        partner = another_org(leader, number)
        programs += [new_program(partner, number * 10 + n) for n in range(2)]
    programs += [new_program(org, n) for n in range(3)]
    for number, each in enumerate(programs):
        submitted_cycle(each, framework, leader, "2024", levels.COLLABORATIVE)
        if number % 2:
            assessment_start(
                program=each, cycle=cycle_of(each, "2027"), framework=framework, by=leader
            )
    assert len(programs) == 8
    large = queries_for(client, url)

    page = client.get(url).content.decode()
    assert all(p.name in page for p in programs)
    assert "Partner 2" in page
    assert small == large
    with django_assert_max_num_queries(HOME_MAX):
        client.get(url)


def test_the_programs_page_queries_do_not_grow_with_programs_and_archives(
    client, leader, org, program, framework, django_assert_max_num_queries
):
    from assessments.organizations import program_archive

    submitted_cycle(program, framework, leader, "2025")
    client.force_login(leader)
    url = reverse("assessments:programs", args=[org.pk])
    small = queries_for(client, url)

    programs = [new_program(org, n) for n in range(6)]
    for each in programs[:3]:
        submitted_cycle(each, framework, leader, "2024")
    for each in programs[3:]:
        program_archive(program=each, by=leader)
    large = queries_for(client, url)

    page = client.get(url).content.decode()
    assert all(p.name in page for p in programs)
    assert "Archived programs" in page
    assert small == large
    with django_assert_max_num_queries(PROGRAMS_MAX):
        client.get(url)


def test_the_program_page_queries_do_not_grow_with_cycles(
    client, leader, program, framework, django_assert_max_num_queries
):
    submitted_cycle(program, framework, leader, "2021")
    client.force_login(leader)
    url = reverse("assessments:program", args=[program.pk])
    small = queries_for(client, url)

    for year in range(2022, 2026):
        submitted_cycle(program, framework, leader, str(year), levels.COLLABORATIVE)
    assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    large = queries_for(client, url)

    page = client.get(url).content.decode()
    assert all(str(year) in page for year in range(2021, 2027))
    assert "since 2021" in page
    assert small == large
    with django_assert_max_num_queries(PROGRAM_MAX):
        client.get(url)


def test_the_program_page_for_a_viewer_has_no_more_queries_than_for_a_leader(
    client, leader, viewer, program, framework
):
    for year in range(2023, 2026):
        submitted_cycle(program, framework, leader, str(year))
    url = reverse("assessments:program", args=[program.pk])
    client.force_login(leader)
    as_leader = queries_for(client, url)
    client.force_login(viewer)
    assert queries_for(client, url) <= as_leader


def test_the_results_page_queries_do_not_grow_with_history_answers_and_cycles(
    client, leader, contributor, program, framework, django_assert_max_num_queries
):
    assessment = submitted_cycle(program, framework, leader, "2025")
    client.force_login(leader)
    url = reverse("reports:results", args=[assessment.pk])
    small = queries_for(client, url)

    # More history (events by several people), answers by several people, more cycles.
    for by in (leader, contributor, leader):
        assessment_reopen(assessment=assessment, by=by, reason="More data")
        assessment.refresh_from_db()
        assessment_submit(assessment=assessment, expected_version=assessment.version, by=by)
    assessment.answers.filter(indicator__key__startswith="gov").update(answered_by=contributor)
    for year in range(2021, 2025):
        submitted_cycle(program, framework, leader, str(year))
    another_org(leader, 1)
    large = queries_for(client, url)

    page = client.get(url).content.decode()
    assert page.count("Reopened") == 3
    assert small == large
    with django_assert_max_num_queries(RESULTS_MAX):
        client.get(url)


def test_the_dimension_page_queries_do_not_grow_with_answers_and_cycles(
    client, leader, contributor, viewer, program, framework, django_assert_max_num_queries
):
    draft = assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    client.force_login(contributor)
    url = reverse("assessments:dimension", args=[draft.pk, "governance"])
    small = queries_for(client, url)

    answer_everything(draft, levels.INTEGRATIVE, by=leader)
    draft.answers.filter(indicator__key__startswith="gov").update(answered_by=viewer)
    for year in range(2021, 2026):
        submitted_cycle(program, framework, leader, str(year))
    another_org(contributor, 1)
    large = queries_for(client, url)

    assert "6 of 6 answered" in client.get(url).content.decode()
    assert small == large
    with django_assert_max_num_queries(DIMENSION_MAX):
        client.get(url)


def test_the_review_page_queries_do_not_grow_with_answers(
    client, leader, program, framework, django_assert_max_num_queries
):
    draft = assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    client.force_login(leader)
    url = reverse("assessments:review", args=[draft.pk])
    small = queries_for(client, url)

    answer_everything(draft, levels.GENERATIVE, by=make_user("another"))
    large = queries_for(client, url)

    assert small == large
    with django_assert_max_num_queries(REVIEW_MAX):
        client.get(url)


def test_the_home_page_queries_do_not_grow_with_the_respondents_to_do(
    client, leader, contributor, org, program, framework, django_assert_max_num_queries
):
    first = assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    respondents_assign(assessment=first, users=[contributor], by=leader)
    client.force_login(contributor)
    url = reverse("assessments:home")
    small = queries_for(client, url)

    asker = make_user("asker")
    for number in range(1, 4):
        partner = another_org(contributor, number, Role.CONTRIBUTOR)
        Membership.objects.create(user=asker, organization=partner, role=Role.LEADER)
        draft = assessment_start(
            program=(partnered := new_program(partner, number)),
            cycle=cycle_of(partnered, "2026"),
            framework=framework,
            by=asker,
        )
        respondents_assign(assessment=draft, users=[contributor], by=asker)
    large = queries_for(client, url)

    page = client.get(url).content.decode()
    assert "To do: 4 assessments wait for your answers" in page
    assert page.count("asked by asker") == 3
    assert small == large
    with django_assert_max_num_queries(HOME_MAX):
        client.get(url)
