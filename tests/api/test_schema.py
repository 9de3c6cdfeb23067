"""Schemathesis over the served OpenAPI schema: every operation, examples drawn from the
schema, sent with a leader's read-write token, or for a cohort's endpoints its facilitator's
token. No 5xx, no response outside the schema.

The cohort's endpoints and a survey's results are called on the cast's own cohort and survey
(a random id is the 404 the access matrix checks), so that what is drawn is their filters and
pages over real tables."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.conftest import make_token

EXAMPLES = 12  # per operation: the whole run stays under a minute


# Loaded when the module is collected: the schema view reads no data.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def connection_kept_open():
    """Schemathesis calls the WSGI application itself, not through Django's test client, so the
    request signals would close the test's database connection (and its transaction) after each
    call on PostgreSQL. Keep it open, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case, api_world, connection_kept_open):
    if case.path.startswith("/api/v1/cohorts/"):
        secret = make_token(api_world.users["facilitator"], cohort=api_world.cohort, write=True)
    else:
        secret = make_token(api_world.users["leader"], organization=api_world.org, write=True)
    # Only data that fits the schema: data that does not must still be refused.
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if positive and case.path.startswith("/api/v1/cohorts/{id}/"):
        case.path_parameters = {"id": str(api_world.cohort.pk)}
    elif positive and case.path == "/api/v1/surveys/{id}/results/":
        case.path_parameters = {"id": str(api_world.survey.pk)}
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
