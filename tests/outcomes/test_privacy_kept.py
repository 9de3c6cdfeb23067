"""What was hidden stays hidden: the suppression pattern stored with the counts each time they
change, so that downloads before and after a correction cannot be compared."""

import csv
import io

import pandas as pd
import pytest
from django.urls import reverse

from outcomes import services, summary
from outcomes.groups import UNKNOWN
from outcomes.metrics import POOLED, TOTAL
from outcomes.models import OutcomeCount, OutcomeMeasure
from outcomes.privacy import (
    KEPT_CORRECTED,
    KEPT_EVENTS,
    KEPT_NOTHING,
    KEPT_POPULATION,
    kept_after_correction,
)
from outcomes.summary import analyse
from tests.outcomes.audit import KEY, published_rule

BEFORE = {
    "asian": (20, 0),
    "black": (5, 2),
    "hispanic": (300, 150),
    "white": (400, 100),
    "aian": (200, 60),
}


@pytest.fixture
def measure(program, leader):
    return OutcomeMeasure.objects.create(
        program=program, name="Exits", direction="favorable", denominator="people"
    )


def save(measure, values, by):
    services.counts_save_period(measure=measure, period="2024", values=values, by=by)


def hidden_groups(measure) -> set[str]:
    analysis = analyse(measure, measure.counts.all())
    flagged = analysis.counts
    return set(flagged.loc[flagged["hidden"], "group"])


def test_saving_counts_stores_what_pages_hide(measure, leader):
    save(measure, BEFORE, leader)
    kept = dict(measure.counts.values_list("group", "kept_hidden"))
    assert kept["black"] == KEPT_POPULATION
    hidden = hidden_groups(measure)
    assert "black" in hidden and len(hidden) >= 2
    for group, level in kept.items():
        assert (level > KEPT_NOTHING) == (group in hidden)


def test_a_correction_does_not_show_what_was_hidden_before(measure, leader):
    save(measure, BEFORE, leader)
    before = hidden_groups(measure)
    # Black's 5 corrected to 50: nothing is small any more, but showing the groups hidden
    # before would let a reader subtract them from the earlier download's total.
    save(measure, BEFORE | {"black": (50, 20)}, leader)
    assert hidden_groups(measure) >= before
    assert OutcomeCount.objects.get(measure=measure, group="black").kept_hidden >= KEPT_EVENTS


def test_correcting_a_hidden_count_darkens_the_programs_year_for_good(measure, leader):
    other = OutcomeMeasure.objects.create(
        program=measure.program, name="Other", direction="adverse", denominator="people"
    )
    save(measure, BEFORE, leader)
    save(other, {g: (n, n // 4) for g, (n, _e) in BEFORE.items()}, leader)
    services.counts_save_period(
        measure=measure, period="2024-Q1", values={"white": (200, 50)}, by=leader
    )
    # Black's hidden 2 events corrected to 3: the change in the total would tell by how much.
    save(measure, BEFORE | {"black": (5, 3)}, leader)
    program_counts = OutcomeCount.objects.filter(measure__program=measure.program)
    assert set(program_counts.values_list("kept_hidden", flat=True)) == {KEPT_CORRECTED}
    for each in (measure, other):
        analysis = analyse(each, each.counts.all(), siblings=other.counts.all())
        assert analysis.counts["hidden"].all() and analysis.counts["total_hidden"].all()
        assert analysis.corrected == set(analysis.periods)
    # Correcting it again so that nothing is small does not bring the year back, nor do new
    # counts of that year.
    save(measure, BEFORE | {"black": (50, 20)}, leader)
    services.counts_save_period(
        measure=other, period="2024-Q2", values={"white": (300, 90)}, by=leader
    )
    assert set(program_counts.values_list("kept_hidden", flat=True)) == {KEPT_CORRECTED}
    assert analyse(other, other.counts.all()).counts["hidden"].all()


def test_removing_a_hidden_count_darkens_the_programs_year(measure, leader):
    save(measure, BEFORE, leader)
    services.counts_save_period(
        measure=measure, period="2025", values={"white": (200, 50)}, by=leader
    )
    # Black's hidden counts removed: the totals before and after would differ by them.
    save(measure, {g: c for g, c in BEFORE.items() if g != "black"}, leader)
    kept = dict(measure.counts.values_list("period", "kept_hidden"))
    assert kept["2024"] == KEPT_CORRECTED and kept["2025"] != KEPT_CORRECTED
    assert analyse(measure, measure.counts.all()).corrected == {"2024"}


def test_correcting_a_shown_count_does_not_darken_the_year(measure, leader):
    save(measure, BEFORE, leader)
    before = hidden_groups(measure)
    save(measure, BEFORE | {"white": (410, 100)}, leader)
    assert hidden_groups(measure) == before
    assert KEPT_CORRECTED not in set(measure.counts.values_list("kept_hidden", flat=True))


def test_only_a_hidden_part_corrected_marks_the_count():
    kept = [None, KEPT_NOTHING, KEPT_EVENTS, KEPT_EVENTS, KEPT_POPULATION]
    population_changed = [True, True, True, False, True]
    events_changed = [True, True, False, True, False]
    marked = kept_after_correction(pd.Series(kept, dtype=float), population_changed, events_changed)
    assert list(pd.Series(marked).fillna(-1)) == [
        -1,
        KEPT_NOTHING,
        KEPT_EVENTS,
        KEPT_CORRECTED,
        KEPT_CORRECTED,
    ]


def test_the_page_and_the_export_say_why_a_corrected_year_is_dark(client, viewer, measure, leader):
    save(measure, BEFORE, leader)
    save(measure, BEFORE | {"black": (6, 2)}, leader)
    client.force_login(viewer)
    page = client.get(reverse("outcomes:measure", args=[measure.pk]))
    assert 'id="corrected-note"' in page.content.decode()
    listing = client.get(reverse("outcomes:program_outcomes", args=[measure.program_id]))
    assert summary.corrected_note() in listing.content.decode()
    response = client.get(reverse("outcomes:counts_export", args=[measure.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and {row["note"] for row in rows} == {"corrected"}
    assert {row["population"] for row in rows} == {""}


def test_remembering_again_changes_nothing(measure, leader):
    save(measure, BEFORE, leader)
    assert services.suppression_remember(program_id=measure.program_id) == 0


def test_the_export_publishes_exactly_what_the_auditor_reads(client, viewer, measure, leader):
    """The auditor's view of a download (shown counts and totals, nothing of a hidden cell)
    is the CSV's: the rates and intervals add nothing a hidden cell could be solved from."""
    other = OutcomeMeasure.objects.create(
        program=measure.program, name="Other", direction="adverse", denominator="people"
    )
    save(measure, BEFORE, leader)
    save(other, {g: (n, n // 4) for g, (n, _e) in BEFORE.items()}, leader)
    client.force_login(viewer)
    response = client.get(reverse("outcomes:counts_export", args=[measure.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    frame = pd.DataFrame(
        OutcomeCount.objects.filter(measure__program=measure.program).values_list(
            "measure__name", "period", "group", "population", "events"
        ),
        columns=KEY + ["population", "events"],
    )
    flags = published_rule(frame).set_index(KEY).sort_index()
    for row in rows:
        if row["group"] == POOLED:
            # The groups compared, together: only the sums of the groups the file shows whole.
            shown = [
                r
                for r in rows
                if r["period"] == row["period"]
                and r["group"] not in (POOLED, TOTAL, UNKNOWN)
                and r["population"] != ""
                and r["events"] != ""
            ]
            for column in ("population", "events"):
                expected = str(sum(int(r[column]) for r in shown)) if shown else ""
                assert row[column] == expected
            continue
        if row["group"] == "total":
            dark = flags.loc[(measure.name, row["period"])]["total_hidden"].any()
            assert (row["population"] == "") == dark
            continue
        cell = flags.loc[(measure.name, row["period"], row["group"])]
        assert (row["population"] == "") == cell["population_hidden"]
        assert (row["events"] == "") == cell["events_hidden"]
        if cell["hidden"]:
            assert row["rate"] == row["rate_ci_low"] == row["ratio"] == ""
