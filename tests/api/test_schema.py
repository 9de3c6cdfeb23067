"""Schemathesis over the served OpenAPI schema: every operation, examples drawn from the
schema, sent with a leader's read-write token. No 5xx, no response outside the schema."""

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
    secret = make_token(api_world.users["leader"], organization=api_world.org, write=True)
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
