"""200 answers within a minute through a real server (gunicorn on loopback, two workers with
four threads each): no error, none lost. Prints the answer page's weight and the time to first
byte under that load."""

import sqlite3
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse

from bench.survey_load import (
    ANSWERED,
    page_weight,
    post_answers,
    server,
    stored_counts,
    survey_environment,
)

ANSWERS, IN_SECONDS = 200, 60


def static_size(url: str) -> int:
    return Path(finders.find(url.removeprefix("/static/"))).stat().st_size


def _copy_of_the_test_database(path: Path) -> None:
    """The test database (SQLite in memory, with the survey) as a file gunicorn can open."""
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)


@pytest.mark.django_db(transaction=True)
def test_200_answers_in_a_minute_with_no_error_and_none_lost(survey, tmp_path):
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("copies the in-memory SQLite test database for the server")
    database = tmp_path / "load.sqlite3"
    _copy_of_the_test_database(database)
    path = reverse("surveys:answer", args=[survey.token])
    with server(survey_environment(database)) as port:
        weight = page_weight(port, path, static_size)
        result = post_answers(port, path, ANSWERS)
    print(f"\nanswer page weight: {weight} = {sum(weight.values())} bytes")
    print(result.summary())
    assert result.statuses == {302: ANSWERS}
    assert result.seconds < IN_SECONDS
    assert stored_counts(database) == (ANSWERS, ANSWERS * ANSWERED)
    assert weight["js"] == 0
