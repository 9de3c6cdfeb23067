"""A program's disparity summaries are cached by the version of its outcome data
(outcomes.versions): every kind of change is seen at once, on the next request."""

import pytest
from django.urls import reverse
from django.utils import translation

from outcomes import services, summary
from outcomes.models import OutcomeCount, OutcomeMeasure
from tests.outcomes.conftest import PERIOD

# 50% of Black families vs 34% of the groups compared, in 2026 (see the measure fixture).
HEADLINE_2026 = "In 2026, 50% of families served recorded as Black or African American"


def program_page(client, user, program) -> str:
    client.force_login(user)
    return client.get(reverse("outcomes:program_outcomes", args=[program.pk])).content.decode()


def test_a_second_read_of_unchanged_data_is_served_from_the_cache(
    measure, django_assert_num_queries
):
    first = summary.program_disparity(measure.program)
    with django_assert_num_queries(1):  # the version only
        assert summary.program_disparity(measure.program) == first


def test_counts_saved_for_a_new_period_are_seen_at_once(client, viewer, leader, measure):
    assert HEADLINE_2026 in program_page(client, viewer, measure.program)
    values = {g: (n, e) for g, (n, e) in PERIOD.items() if g != "unknown"}
    values["black"] = (300, 30)
    services.counts_save_period(measure=measure, period="2027", values=values, by=leader)
    html = program_page(client, viewer, measure.program)
    assert "In 2027," in html and HEADLINE_2026 not in html


def test_a_count_changed_in_the_admin_is_seen_at_once(measure):
    before = summary.program_disparity(measure.program)[0].headline
    count = OutcomeCount.objects.get(measure=measure, period="2026", group="black")
    count.events = 30
    count.save()
    after = summary.program_disparity(measure.program)[0].headline
    assert after != before and "2026" in after


def test_a_count_deleted_is_seen_at_once(measure):
    summary.program_disparity(measure.program)
    OutcomeCount.objects.filter(measure=measure, period="2026").delete()
    (only,) = summary.program_disparity(measure.program)
    assert only.period == "2025"


def test_a_renamed_measure_and_a_new_one_are_seen_at_once(leader, measure):
    summary.program_disparity(measure.program)
    measure.name = "Referred again within 6 months"
    services.measure_save(measure=measure, by=leader)
    OutcomeMeasure.objects.create(
        program=measure.program, name="Exits to work", direction="favorable", denominator="x"
    )
    names = {s.name for s in summary.program_disparity(measure.program)}
    assert names == {"Referred again within 6 months", "Exits to work"}


def test_a_deleted_measure_is_gone_at_once(leader, measure):
    summary.program_disparity(measure.program)
    services.measure_delete(measure=measure, by=leader)
    assert summary.program_disparity(measure.program) == []


def test_each_language_reads_its_own_sentences(measure):
    english = summary.program_disparity(measure.program)[0].headline
    with translation.override("es"):
        spanish = summary.program_disparity(measure.program)[0].headline
    assert english != spanish
    assert summary.program_disparity(measure.program)[0].headline == english


@pytest.mark.parametrize("user", ["leader", "viewer"])
def test_the_results_page_shows_a_count_changed_after_it_was_read(
    client, request, leader, measure, framework, user
):
    from tests.assessments.test_queries import submitted_cycle

    assessment = submitted_cycle(measure.program, framework, leader, "2026")
    client.force_login(request.getfixturevalue(user))
    url = reverse("reports:results", args=[assessment.pk])
    before = client.get(url).content.decode()
    count = OutcomeCount.objects.get(measure=measure, period="2026", group="black")
    services.counts_save_period(
        measure=measure,
        period="2026",
        values={c.group: (c.population, c.events) for c in measure.counts.filter(period="2026")}
        | {"black": (count.population, 30)},
        by=leader,
    )
    after = client.get(url).content.decode()
    assert HEADLINE_2026 in before and HEADLINE_2026 not in after


def test_an_imported_organization_reads_its_own_counts_not_what_was_cached(org, measure):
    from assessments.signals import organization_imported

    assert summary.program_disparity(measure.program)[0].headline.startswith(HEADLINE_2026)
    # As an import writes: in bulk, without the services' signals.
    counts = OutcomeCount.objects.filter(measure=measure, period="2026", group="black")
    counts.update(events=30)
    organization_imported.send(sender=type(org), organization=org)
    headline = summary.program_disparity(measure.program)[0].headline
    assert headline.startswith("In 2026,") and not headline.startswith(HEADLINE_2026)
