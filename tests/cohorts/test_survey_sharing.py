"""A member's survey results in its cohort: only with the consent of their own, aggregates of
all respondents only (no group, no open text), and only when five organizations share them."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from cohorts import data, services
from cohorts.models import Cohort, CohortMember
from cohorts.sharing import Scope
from surveys import services as survey_services
from surveys.models import Survey
from tests.cohorts.conftest import add_member_org
from tests.surveys.factories import stored_survey

SECRET = "Call me on 555 0100, Dolores"


def _with_survey(org, agree: int):
    program = org.programs.first()
    return stored_survey(program, {"white": (40, agree), "black": (40, agree)}, texts=(SECRET,))


def _members(cohort, framework, count: int, *, surveys: bool) -> list:
    orgs = [add_member_org(cohort, framework, f"Member {n}", 2) for n in range(count)]
    for n, org in enumerate(orgs):
        _with_survey(org, agree=20 + 2 * n)
    CohortMember.objects.filter(cohort=cohort).update(shares_surveys=surveys)
    return orgs


def _respect(scope) -> data.SurveyAggregate:
    return data.survey_aggregates(scope)[0]


def test_five_sharing_members_give_the_middle_of_their_agreeing_shares(cohort, framework):
    _members(cohort, framework, 5, surveys=True)
    respect = _respect(Scope(cohort, verified=True))
    assert respect.spread.organizations == 5
    # Each organization: (2 * agree) of 80 respondents agree; agree = 20, 22, ..., 28.
    assert respect.spread.median == pytest.approx(100 * 2 * 24 / 80)
    net = data.survey_aggregates(Scope(cohort, verified=True))[-1]
    assert not net.percent and net.spread.organizations == 5


def test_four_sharing_members_are_suppressed(cohort, framework):
    _members(cohort, framework, 4, surveys=True)
    respect = _respect(Scope(cohort, verified=True))
    assert respect.spread.organizations == 4 and respect.spread.suppressed


def test_members_that_do_not_consent_to_share_surveys_are_not_counted(cohort, framework):
    orgs = _members(cohort, framework, 6, surveys=True)
    CohortMember.objects.filter(organization=orgs[0]).update(shares_surveys=False)
    CohortMember.objects.filter(organization=orgs[1]).update(status="withdrawn")
    assert _respect(Scope(cohort, verified=True)).spread.organizations == 4


def test_withdrawing_ends_the_survey_consent(cohort, framework, facilitator):
    orgs = _members(cohort, framework, 1, surveys=True)
    member = CohortMember.objects.get(organization=orgs[0])
    services.membership_end(member=member, by=facilitator)
    member.refresh_from_db()
    assert not member.shares_surveys and not member.shares_survey_aggregates


def test_the_dashboard_shows_survey_aggregates_without_open_text(
    client, cohort, framework, facilitator
):
    _members(cohort, framework, 5, surveys=True)
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert 'id="survey-aggregates"' in page and "5 members share their survey results" in page
    assert SECRET not in page


def test_without_a_member_sharing_surveys_the_dashboard_has_no_survey_section(
    client, cohort, framework, facilitator
):
    _members(cohort, framework, 5, surveys=False)
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert 'id="survey-aggregates"' not in page


def test_four_sharing_members_show_the_section_suppressed(client, cohort, framework, facilitator):
    _members(cohort, framework, 4, surveys=True)
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    section = page[page.index('id="survey-aggregates"') :]
    assert "Suppressed: fewer than five organizations" in section.split("</section>")[0]


def test_a_member_leader_consents_to_share_survey_results(client, leader, org):
    cohort = Cohort.objects.create(name="Survey cohort")
    member = CohortMember.objects.create(cohort=cohort, organization=org)
    client.force_login(leader)
    url = reverse("cohorts:membership_sharing", args=[member.pk])
    response = client.post(url, {"sharing": "levels", "surveys": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.shares_survey_aggregates and not member.shares_outcomes
    client.post(url, {"sharing": "levels"})
    member.refresh_from_db()
    assert not member.shares_surveys


def _queries_to_build(scope, django_assert_num_queries, count: int) -> None:
    cache.clear()
    with django_assert_num_queries(count):
        data.survey_aggregates(scope)


def test_the_aggregates_take_as_many_queries_for_ten_members_as_for_five(
    cohort, framework, django_assert_num_queries
):
    # the key (survey versions), then the programs, their latest surveys and the three
    # queries of the surveys' counts
    orgs = _members(cohort, framework, 5, surveys=True)
    _queries_to_build(Scope(cohort, verified=True), django_assert_num_queries, 6)
    for n in range(5, 10):
        org = add_member_org(cohort, framework, f"Member {n}", 2)
        _with_survey(org, agree=20 + n)
        orgs.append(org)
    CohortMember.objects.filter(cohort=cohort).update(shares_surveys=True)
    _queries_to_build(Scope(cohort, verified=True), django_assert_num_queries, 6)
    assert _respect(Scope(cohort, verified=True)).spread.organizations == 10


def test_the_aggregates_are_cached_until_an_answer_comes_in(
    cohort, framework, django_assert_num_queries
):
    orgs = _members(cohort, framework, 5, surveys=True)
    scope = Scope(cohort, verified=True)
    before = _respect(scope)
    with django_assert_num_queries(1):  # the key only
        assert _respect(scope) == before
    survey = Survey.objects.get(program__organization=orgs[2])  # the middle one
    values = survey_services.ResponseValues({"respect": 5}, ["white"], "", "", "en")
    survey_services.response_submit(
        survey=survey, values=values, today=survey.opens_on, source="paper"
    )
    after = _respect(scope)
    assert after.spread.median > before.spread.median  # one more agreeing respondent


def test_the_cache_is_keyed_by_the_sessions_two_factor_state(cohort, framework):
    orgs = _members(cohort, framework, 5, surveys=True)
    verified, unverified = Scope(cohort, verified=True), Scope(cohort, verified=False)
    assert verified.survey_cache_key() != unverified.survey_cache_key()
    orgs[0].require_two_factor = True
    orgs[0].save(update_fields=["require_two_factor"])
    assert _respect(unverified).spread.organizations == 4
    assert _respect(verified).spread.organizations == 5
