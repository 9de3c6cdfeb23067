"""What the cohort and survey endpoints return: the pages' own tables (the same functions, the
downloads' columns), their filters and pages, the two-factor rule, survey results protected as
on their page and never with open text, and every use recorded."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from api.models import AccessToken
from cohorts import dashboard, sheets
from cohorts.models import CohortMember, Facilitator
from cohorts.sharing import Scope
from surveys import results, results_tables
from tests.api.conftest import OPEN_TEXT, bearer, make_token
from tests.cohorts.conftest import (
    add_member_org,
    empty_cache,  # noqa: F401  (autouse: each test from cold)
)


@pytest.fixture
def facilitate(client, api_world):
    secret = make_token(api_world.users["facilitator"], cohort=api_world.cohort)

    def get(name, *args, **query):
        args = args or (api_world.cohort.pk,)
        return client.get(reverse(name, args=args), query, **bearer(secret))

    return get


@pytest.fixture
def bigger_cohort(api_world, framework):
    """Five more members sharing their levels, in the cast's round: the aggregates show."""
    name = api_world.cycle.name
    return [
        add_member_org(api_world.cohort, framework, f"Member {n}", n % 4, cycle=name)
        for n in range(5)
    ]


def test_the_organizations_are_the_dashboards_table_with_the_downloads_columns(
    facilitate, api_world, bigger_cohort
):
    body = facilitate("api:cohort_organizations").json()
    board = dashboard.dashboard(Scope(api_world.cohort, verified=False), {}, timezone.localdate())
    columns, rows = sheets.organization_rows(
        board.table, board.dimensions, board.rounds, board.filters.cycle
    )
    assert body["count"] == len(rows) == 6
    names = [c.name for c in columns]
    for got, row in zip(body["results"], rows, strict=True):
        expected = dict(zip(names, row, strict=True))
        assert got["organization_name"] == expected["organization_name"]
        assert got["overall_level"] == expected["overall_level"]
        assert {d["dimension"]: d["level"] for d in got["dimensions"]} == {
            key: expected[f"{key}_level"] for key in board.dimensions
        }
    assert body["round"]["id"] == str(api_world.cohort_round.pk)


def test_the_benchmark_is_suppressed_under_five_organizations_and_shown_from_five(
    facilitate, api_world, framework
):
    small = facilitate("api:cohort_benchmark").json()
    assert all(d["organizations"]["suppressed"] for d in small["dimensions"])
    assert all(d["levels"] is None for d in small["dimensions"])
    name = api_world.cycle.name
    for n in range(4):
        add_member_org(api_world.cohort, framework, f"Member {n}", n, cycle=name)
    cache.clear()
    shown = facilitate("api:cohort_benchmark").json()
    board = dashboard.dashboard(Scope(api_world.cohort, verified=False), {}, timezone.localdate())
    first = shown["dimensions"][0]
    spread = board.spreads[first["dimension"]]
    assert first["organizations"]["median"] == spread.median is not None
    assert first["programs"]["organizations"] == 5 and not first["programs"]["suppressed"]
    assert sum(first["levels"]) == 5


def test_the_programs_filter_by_program_and_by_round(
    facilitate, api_world, bigger_cohort, framework
):
    every = facilitate("api:cohort_programs").json()
    assert every["count"] == 6
    one = facilitate("api:cohort_programs", program=str(api_world.program.pk)).json()
    assert [r["program_name"] for r in one["results"]] == [api_world.program.name]
    same = facilitate("api:cohort_programs", cycle=str(api_world.cohort_round.pk)).json()
    assert same["count"] == 6
    unknown = facilitate("api:cohort_programs", cycle=str(uuid.uuid4())).json()
    assert unknown["count"] == 0 and unknown["round"] is None


def test_an_older_round_is_read_when_asked_for(facilitate, api_world, framework):
    from tests.cohorts.conftest import submitted_assessment

    submitted_assessment(api_world.program, framework, 3, cycle="2024")
    older = next(r for r in api_world.cohort.rounds.all() if r.name == "2024")
    body = facilitate("api:cohort_organizations", cycle=str(older.pk)).json()
    assert body["round"]["name"] == "2024"
    assert body["results"][0]["overall_level"] == 3


@pytest.mark.parametrize(
    ("query", "field"), [({"cycle": "2026"}, "cycle"), ({"cylce": "x"}, "cylce")]
)
def test_a_bad_filter_is_a_400_naming_it(facilitate, api_world, query, field):
    response = facilitate("api:cohort_organizations", **query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_cohort_tables_are_paginated(facilitate, api_world, bigger_cohort):
    first = facilitate("api:cohort_organizations", page_size=4).json()
    assert first["count"] == 6 and len(first["results"]) == 4 and first["next"]
    second = facilitate("api:cohort_organizations", page_size=4, page=2).json()
    names = {r["organization_name"] for r in first["results"]}
    assert names.isdisjoint(r["organization_name"] for r in second["results"])
    assert facilitate("api:cohort_organizations", page=9).status_code == 404


def test_the_organizations_table_takes_a_fixed_handful_of_queries(
    facilitate, api_world, bigger_cohort, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        facilitate("api:cohort_organizations")


def test_the_scorecard_lists_the_steps_tied_to_goals(facilitate, api_world):
    body = facilitate("api:cohort_scorecard").json()
    assert [r["action_step"] for r in body["results"]] == [api_world.step.title]
    assert body["results"][0]["shared_goals"] == "Equity commitments"
    CohortMember.objects.filter(organization=api_world.org).update(sharing="levels")
    cache.clear()
    assert facilitate("api:cohort_scorecard").json()["results"] == []


def test_survey_aggregates_follow_the_five_organization_rule(facilitate, api_world):
    body = facilitate("api:cohort_surveys").json()
    assert body["members"] == 1
    assert body["aggregates"] and all(a["spread"]["suppressed"] for a in body["aggregates"])
    assert OPEN_TEXT not in str(body)
    CohortMember.objects.filter(organization=api_world.org).update(shares_surveys=False)
    assert facilitate("api:cohort_surveys").json() == {
        "left_out": 0,
        "left_out_reason": None,
        "members": 0,
        "aggregates": [],
    }


def test_a_token_made_with_two_factor_sees_a_member_that_requires_it(client, api_world):
    api_world.org.require_two_factor = True
    api_world.org.save(update_fields=["require_two_factor"])
    url = reverse("api:cohort_organizations", args=[api_world.cohort.pk])
    plain = make_token(api_world.users["facilitator"], cohort=api_world.cohort)
    body = client.get(url, **bearer(plain)).json()
    assert body["count"] == 0 and body["left_out"] == 1
    assert "two-factor" in body["left_out_reason"]
    verified = make_token(api_world.users["facilitator"], cohort=api_world.cohort, verified=True)
    body = client.get(url, **bearer(verified)).json()
    assert body["count"] == 1 and body["left_out"] == 0 and body["left_out_reason"] is None


def test_a_facilitator_who_no_longer_facilitates_sees_nothing(client, api_world):
    secret = make_token(api_world.users["facilitator"], cohort=api_world.cohort)
    Facilitator.objects.filter(cohort=api_world.cohort).delete()
    assert client.get(reverse("api:cohorts"), **bearer(secret)).json()["results"] == []
    url = reverse("api:cohort_organizations", args=[api_world.cohort.pk])
    assert client.get(url, **bearer(secret)).status_code == 404


def test_every_use_of_a_cohort_token_is_recorded(facilitate, api_world):
    for name in ("api:cohort_organizations", "api:cohort_scorecard"):
        facilitate(name)
    assert AccessToken.objects.get().use_count == 2


def test_a_cohort_token_has_its_own_rate_limit(client, api_world, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = SimpleRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1/minute"},
    }
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        secret = make_token(api_world.users["facilitator"], cohort=api_world.cohort)
        url = reverse("api:cohort_scorecard", args=[api_world.cohort.pk])
        assert client.get(url, **bearer(secret)).status_code == 200
        limited = client.get(url, **bearer(secret))
        assert limited.status_code == 429 and limited.json()["error"]["status"] == 429
    finally:
        SimpleRateThrottle.THROTTLE_RATES = rates


# --- Surveys -------------------------------------------------------------------------------------


def test_survey_results_are_the_downloads_rows_protected_as_on_the_page(client, api_world):
    secret = make_token(api_world.users["viewer"], organization=api_world.org)
    url = reverse("api:survey_results", args=[api_world.survey.pk])
    response = client.get(url, **bearer(secret))
    body = response.json()
    outcome = results.survey_results(api_world.survey)
    names = [c.name for c in results_tables.RESULT_COLUMNS]
    expected = [dict(zip(names, row, strict=True)) for row in results_tables.result_rows(outcome)]
    assert body["results"] == expected
    assert any(r["count"] is None and r["note"] for r in body["results"])  # something hidden
    assert body["hidden_groups"] == outcome.hidden_groups
    assert len(set(body["hidden_groups"])) == len(body["hidden_groups"])
    assert OPEN_TEXT not in response.content.decode()


def test_not_even_a_leader_reads_open_text_through_the_api(client, api_world):
    secret = make_token(api_world.users["leader"], organization=api_world.org)
    url = reverse("api:survey_results", args=[api_world.survey.pk])
    assert OPEN_TEXT not in client.get(url, **bearer(secret)).content.decode()


def test_surveys_filter_by_program(client, api_world):
    from assessments.models import Program

    other = Program.objects.create(organization=api_world.org, name="Other", service_area="Food")
    secret = make_token(api_world.users["viewer"], organization=api_world.org)
    url = reverse("api:surveys")
    assert client.get(url, {"program": str(other.pk)}, **bearer(secret)).json()["count"] == 0
    mine = client.get(url, {"program": str(api_world.program.pk)}, **bearer(secret)).json()
    assert [s["id"] for s in mine["results"]] == [str(api_world.survey.pk)]


# --- The tokens page ----------------------------------------------------------------------------


def test_a_facilitator_makes_a_token_for_their_cohort_that_records_two_factor(client, api_world):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = api_world.users["facilitator"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    data = {"name": "BI", "scope": f"cohort:{api_world.cohort.pk}", "access": "read", "days": "30"}
    response = client.post(reverse("api:tokens"), data)
    assert response.status_code == 200
    token = AccessToken.objects.get()
    assert token.cohort == api_world.cohort and token.organization is None and token.verified
    secret = response.context["secret"]
    url = reverse("api:cohort_organizations", args=[api_world.cohort.pk])
    assert client.get(url, **bearer(secret)).status_code == 200


def test_only_a_cohorts_facilitators_may_make_a_token_for_it(client, api_world):
    client.force_login(api_world.users["leader"])
    data = {"name": "BI", "scope": f"cohort:{api_world.cohort.pk}", "access": "read", "days": "30"}
    assert client.post(reverse("api:tokens"), data).status_code == 400
    assert not AccessToken.objects.exists()
