"""The migration from cycle labels to cycle records and cohort rounds, run on the demo data:
back to labels and forward again, with every assessment, answer and history row kept."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Answer, Assessment, Cycle
from cohorts.models import Cohort

BEFORE = [
    ("assessments", "0007_carried_answers_and_steps"),
    ("cohorts", "0005_cohort_statements_goal_measures"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def demo(transactional_db, framework, action_steps):
    call_command("seed_demo", orgs=6, programs=2, cycles=3, stdout=StringIO())
    yield
    migrate(latest())


def snapshot() -> dict:
    rows = Assessment.objects.values_list("pk", "program__organization_id", "cycle__name")
    return {pk: (organization, name) for pk, organization, name in rows}


def test_labels_become_records_and_rounds_without_losing_an_assessment(demo):
    before = snapshot()
    answers = Answer.objects.count()
    history = Assessment.history.count()
    assert len(before) > 20 and {name for _, name in before.values()} == {"2024", "2025", "2026"}

    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, cycle FROM assessments_assessment")
        labels = {str(pk).replace("-", ""): label for pk, label in cursor.fetchall()}
    assert labels == {pk.hex: name for pk, (_, name) in before.items()}

    migrate(latest())
    after = snapshot()
    assert after == before  # same assessments, each in its organization's cycle of that name
    assert Answer.objects.count() == answers
    assert Assessment.history.count() == history
    assert not Assessment.history.filter(cycle=None).exists()
    # One cycle per organization and name, dated by the year it names.
    cycle = Cycle.objects.filter(name="2025").first()
    assert (cycle.starts_on.isoformat(), cycle.ends_on.isoformat()) == ("2025-01-01", "2025-12-31")
    pairs = {(organization, name) for organization, name in before.values()}
    assert Cycle.objects.count() == len(pairs)
    # The demo cohort compares by round: one per name its members assessed in, every
    # member's cycle of that name linked.
    cohort = Cohort.objects.get()
    assert set(cohort.rounds.values_list("name", flat=True)) == {"2024", "2025", "2026"}
    members = set(cohort.members.values_list("organization_id", flat=True))
    for cohort_round in cohort.rounds.all():
        expected = {o for o, name in pairs if name == cohort_round.name and o in members}
        assert set(cohort_round.links.values_list("organization_id", flat=True)) == expected
