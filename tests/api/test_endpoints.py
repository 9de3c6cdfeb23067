"""What the endpoints return: levels and answers, published outcome figures (the page's
suppression), filters, pagination, bulk counts checked as the CSV import checks them, step
statuses, error bodies and per-token rate limits."""

import pytest
from django.urls import reverse

from assessments.models import PlanStep
from outcomes import summary
from outcomes.models import OutcomeCount
from tests.api.conftest import bearer, make_token
from tests.cycles import cycle_of


@pytest.fixture
def read(client, api_world):
    secret = make_token(api_world.users["viewer"], organization=api_world.org)

    def get(name, *args, **query):
        return client.get(reverse(name, args=args), query, **bearer(secret))

    return get


def test_an_assessment_has_its_dimension_levels_indices_and_answers(read, api_world):
    body = read("api:assessment", api_world.assessment.pk).json()
    stored = {s.dimension.key: s for s in api_world.assessment.scores.all()}
    assert {s["dimension"]: (s["level"], s["index"]) for s in body["scores"]} == {
        key: (score.level, str(score.index)) for key, score in stored.items()
    }
    answers = api_world.assessment.answers.all()
    assert len(body["answers"]) == answers.count() > 0
    assert {a["evidence"] for a in body["answers"]} == {a.evidence for a in answers}


def test_figures_hide_exactly_what_the_measure_page_hides(read, api_world):
    measure = api_world.measure
    analysis = summary.analyse(
        measure, measure.counts.all(), siblings=summary.sibling_counts(measure)
    )
    page = summary.every_period_rows(analysis)
    figures = read("api:measure_figures", measure.pk).json()
    by_cell = {(f["period"], f["group"]): f for f in figures}
    assert len(by_cell) == sum(len(rows) for rows in page.values())
    hidden = 0
    for period, rows in page.items():
        for row in rows:
            figure = by_cell[(period, row.key)]
            assert (figure["population"], figure["events"]) == (row.population, row.events)
            assert figure["hidden"] is row.hidden
            hidden += row.hidden
    assert hidden > 0  # the cast has small counts: something is hidden
    small = OutcomeCount.objects.get(measure=measure, period="2026", group="nhpi")
    assert by_cell[("2026", "nhpi")]["population"] is None != small.population


def test_assessments_filter_by_cycle_and_program(read, api_world, framework, leader):
    from assessments.services import assessment_start

    other = assessment_start(
        program=api_world.program,
        cycle=cycle_of(api_world.program, "2027"),
        framework=framework,
        by=leader,
    )
    every = {a["id"] for a in read("api:assessments").json()["results"]}
    assert every == {str(api_world.assessment.pk), str(other.pk)}
    one = read("api:assessments", cycle=str(other.cycle_id)).json()["results"]
    assert [a["id"] for a in one] == [str(other.pk)]
    steps = read("api:plan_steps", cycle=str(other.cycle_id)).json()["results"]
    assert steps == []
    by_program = read("api:assessments", program=str(api_world.program.pk)).json()
    assert by_program["count"] == 2


def test_a_filter_that_is_not_an_identifier_is_a_400_naming_it(read, api_world):
    response = read("api:assessments", cycle="2026")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and "cycle" in error["fields"]


def test_lists_are_paginated(read, api_world):
    from assessments.models import Program

    for n in range(3):
        Program.objects.create(organization=api_world.org, name=f"P{n}", service_area="Food")
    first = read("api:programs", page_size=2).json()
    assert first["count"] == 4 and len(first["results"]) == 2 and first["next"]
    second = read("api:programs", page_size=2, page=2).json()
    assert {p["id"] for p in first["results"]}.isdisjoint(p["id"] for p in second["results"])


def _post_counts(client, api_world, body: bytes):
    secret = make_token(api_world.users["contributor"], organization=api_world.org, write=True)
    url = reverse("api:measure_counts", args=[api_world.measure.pk])
    return client.post(url, body, content_type="text/csv", **bearer(secret))


def test_bulk_counts_are_added_and_corrected(client, api_world):
    body = b"period,group,population,events\n2027,white,120,30\n2026,white,401,100\n"
    response = _post_counts(client, api_world, body)
    assert response.status_code == 200
    assert response.json() == {"added": 1, "updated": 1, "unchanged": 0}
    assert (
        OutcomeCount.objects.get(measure=api_world.measure, period="2026", group="white").population
        == 401
    )


def test_bulk_counts_with_a_problem_store_nothing_and_say_which_line(client, api_world):
    before = OutcomeCount.objects.count()
    body = b"period,group,population,events\n2027,white,120,30\n2027,black,10,40\n"
    response = _post_counts(client, api_world, body)
    assert response.status_code == 400
    problems = response.json()["error"]["fields"]["problems"]
    assert [p["line"] for p in problems] == [3]
    assert "more than the population" in problems[0]["message"]
    assert OutcomeCount.objects.count() == before


def test_bulk_counts_that_are_not_utf8_get_the_import_message(client, api_world):
    response = _post_counts(client, api_world, "period,group\n2027,blé".encode("latin-1"))
    problems = response.json()["error"]["fields"]["problems"]
    assert response.status_code == 400 and "UTF-8" in problems[0]["message"]


def test_a_step_status_is_updated_and_a_wrong_one_refused(client, api_world):
    secret = make_token(api_world.users["leader"], organization=api_world.org, write=True)
    url = reverse("api:plan_step", args=[api_world.step.pk])
    bad = client.patch(
        url, {"status": "finished"}, content_type="application/json", **bearer(secret)
    )
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    ok = client.patch(
        url, {"status": "in_progress"}, content_type="application/json", **bearer(secret)
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    step = PlanStep.objects.get(pk=api_world.step.pk)
    assert step.status == "in_progress"
    assert step.history.first().history_user == api_world.users["leader"]


def test_each_token_has_its_own_rate_limit(client, api_world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/minute"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        first = make_token(api_world.users["viewer"], organization=api_world.org)
        second = make_token(api_world.users["viewer"], organization=api_world.org)
        url = reverse("api:programs")
        statuses = [client.get(url, **bearer(first)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = client.get(url, **bearer(first))
        assert limited.json()["error"]["status"] == 429 and limited["Retry-After"]
        assert client.get(url, **bearer(second)).status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_an_unknown_id_is_the_same_404_as_one_out_of_scope(read, api_world):
    import uuid

    unknown = read("api:program", uuid.uuid4())
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", [{"page_size": "0"}, {"page_size": "many"}, {"page_size": "201"}])
def test_a_page_size_out_of_range_is_a_400(read, api_world, query):
    response = read("api:programs", **query)
    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["fields"]


def test_an_id_that_is_not_a_uuid_gets_the_json_404(client, api_world):
    response = client.get("/api/v1/programs/not-an-id/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_a_parameter_the_endpoint_does_not_take_is_a_400(read, api_world):
    response = read("api:assessments", cylce=str(api_world.cycle.pk))
    assert response.status_code == 400
    assert "cylce" in response.json()["error"]["fields"]


@pytest.mark.parametrize(("page", "status"), [("", 400), ("0", 400), ("x", 400), ("9", 404)])
def test_a_page_that_is_not_a_page_number_is_refused(read, api_world, page, status):
    assert read("api:programs", page=page).status_code == status
