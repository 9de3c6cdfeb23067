"""Outcome measures and counts: the database's rules, CSV import, the demo data."""

import re
from dataclasses import replace

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from outcomes import imports, metrics
from outcomes.demo import seed_outcomes
from outcomes.models import (
    REFERENCE_BEST,
    REFERENCE_TOTAL,
    OutcomeCount,
    OutcomeMeasure,
    normalize_period,
    period_error,
)
from outcomes.privacy import suppress
from outcomes.summary import analyse, counts_frame, program_disparity, programs_disparity_trend


@pytest.fixture
def measure(program, leader):
    return OutcomeMeasure.objects.create(
        program=program,
        name="Stable housing at 12 months",
        direction="favorable",
        denominator="families served",
        created_by=leader,
    )


def count(measure, period="2026", group="black", population=10, events=5) -> OutcomeCount:
    return OutcomeCount.objects.create(
        measure=measure, period=period, group=group, population=population, events=events
    )


# --- The model --------------------------------------------------------------------------------


def test_the_models_reference_values_are_the_metrics_ones():
    assert (REFERENCE_TOTAL, REFERENCE_BEST) == (metrics.REFERENCE_TOTAL, metrics.REFERENCE_BEST)


def test_events_cannot_exceed_the_population(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        count(measure, population=5, events=6)
    assert count(measure, population=5, events=5).events == 5


def test_a_period_has_one_count_per_group(measure):
    count(measure)
    with pytest.raises(IntegrityError), transaction.atomic():
        count(measure)
    assert count(measure, group="white").pk


def test_a_program_has_one_measure_of_a_name(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeMeasure.objects.create(
            program=measure.program, name=measure.name, direction="adverse", denominator="x"
        )
    assert OutcomeMeasure.objects.count() == 1


def test_counts_are_recorded_in_history(measure, leader):
    saved = count(measure)
    saved.events = 6
    saved.save()
    assert [h.events for h in saved.history.order_by("history_date")] == [5, 6]


@pytest.mark.parametrize(
    ("period", "granularity", "ok"),
    [
        ("2026", "year", True),
        ("2026-Q1", "quarter", True),
        ("2026-Q4", "quarter", True),
        ("2026-03", "month", True),
        ("2026-12", "month", True),
        ("2026", "quarter", False),
        ("2026-Q5", "quarter", False),
        ("2026-13", "month", False),
        ("2026-3", "month", False),
        ("26", "year", False),
        ("1899", "year", False),
        ("2101", "year", False),
        ("２０２６", "year", False),
    ],
)
def test_periods_are_written_by_granularity(period, granularity, ok):
    assert (period_error(period, granularity) is None) is ok


def test_a_period_is_normalized_before_it_is_checked():
    assert normalize_period(" 2026-q2 ") == "2026-Q2"


# --- Parsing a CSV file (no database) -----------------------------------------------------------


def parse(text: str, granularity: str = "year", encoding: str = "utf-8", standard: str = "2024"):
    return imports.parse_counts(text.encode(encoding), granularity, standard)


def problems(parsed) -> list[tuple]:
    return [(p.line, p.message) for p in parsed.problems]


def test_a_clean_file_gives_its_rows():
    parsed = parse("Period,GROUP, Population ,events\n2026,black,100,20\n2026,White,200,30\n")
    assert parsed.problems == []
    assert [(r.line, r.period, r.group, r.population, r.events) for r in parsed.rows] == [
        (2, "2026", "black", 100, 20),
        (3, "2026", "white", 200, 30),
    ]


def test_columns_may_come_in_any_order_with_extra_ones_ignored():
    parsed = parse("note,events,group,period,population\nhi,1,asian,2025,3\n")
    assert [(r.group, r.population, r.events) for r in parsed.rows] == [("asian", 3, 1)]


def test_every_problem_is_reported_with_its_line():
    text = (
        "period,group,population,events\n"
        "2026,martian,10,1\n"  # 2: unknown group
        "2026,black,-5,1\n"  # 3: negative
        "2026,white,ten,1\n"  # 4: not a number
        "2026,asian,10,2.5\n"  # 5: not a whole number
        "2026,hispanic,10,11\n"  # 6: events above population
        "2026-Q1,aian,10,1\n"  # 7: not a year
        "\n"  # 8: blank, skipped
        "2026,mena,10,1\n"  # 9: fine
        "2026,MENA,10,1\n"  # 10: the same period and group again
        "2026,,,\n"  # 11: group and counts missing
        "2026,nhpi,999999999999,1\n"  # 12: too large
    )
    parsed = parse(text)
    assert parsed.rows == []
    found = problems(parsed)
    assert [line for line, _ in found] == [2, 3, 4, 5, 6, 7, 10, 11, 11, 11, 12]
    messages = dict(found)
    assert "unknown group “martian”" in messages[2]
    assert "must not be negative" in messages[3]
    assert "“ten” is not a whole number" in messages[4]
    assert "“2.5” is not a whole number" in messages[5]
    assert "events (11) are more than the population (10)" in messages[6]
    assert "“2026-Q1” is not a year" in messages[7]
    assert "already on line 9" in messages[10]
    assert "larger than 100,000,000" in messages[12]
    assert [m for line, m in found if line == 11] == [
        "the group is missing.",
        "population is missing.",
        "events is missing.",
    ]


def test_missing_or_repeated_columns_are_reported_on_line_1():
    assert problems(parse("period,group,people\n2026,black,1\n")) == [
        (
            1,
            "missing columns: population, events. The first line must name the columns "
            "period, group, population, events.",
        )
    ]
    repeated = problems(parse("period,group,group,population,events\n"))
    assert repeated == [(1, "the column “group” appears more than once.")]


def test_a_byte_order_mark_is_accepted():
    parsed = imports.parse_counts(
        b"\xef\xbb\xbfperiod,group,population,events\r\n2026,black,1,0\r\n", "year"
    )
    assert parsed.problems == [] and parsed.rows[0].group == "black"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ("period,group,population,events\n2026,Blé,1,0\n".encode("latin-1"), "byte 0xE9 on line 2"),
        ("period,group,population,events\n".encode("utf-16"), "UTF-16"),
        (b"period,group,population,events\n2026,black,1\x00,0\n", "NUL"),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_clearly(data, why):
    parsed = imports.parse_counts(data, "year")
    assert parsed.rows == []
    [problem] = parsed.problems
    assert problem.message.startswith("The file is not UTF-8 text")
    assert why in problem.message
    assert "CSV UTF-8" in problem.message


def test_an_empty_file_is_refused():
    assert problems(parse("  \n")) == [(None, "The file is empty.")]


def test_1997_labels_are_mapped_to_2024_groups():
    text = (
        "period,group,population,events\n"
        "2019,Native Hawaiian or Other Pacific Islander,40,5\n"
        "2019,Black or African American,100,20\n"
        "2019,Two or more races,30,3\n"
        "2019,American Indian or Alaska Native,25,2\n"
    )
    parsed = parse(text, standard="1997")
    assert [(r.group, r.standard) for r in parsed.rows] == [
        ("nhpi", "1997"),
        ("black", "1997"),
        ("multiracial", "1997"),
        ("aian", "1997"),
    ]


def test_a_standard_column_overrides_the_forms_choice_and_is_checked():
    parsed = parse(
        "period,group,population,events,standard\n2019,white,9,1,1997\n2020,white,9,1,\n"
    )
    assert [r.standard for r in parsed.rows] == ["1997", "2024"]
    refused = parse("period,group,population,events,standard\n2019,white,9,1,1930\n")
    assert problems(refused) == [(2, "standard “1930” is neither 2024 nor 1997.")]


def test_quarters_and_months_are_read_and_normalized():
    parsed = parse("period,group,population,events\n2026-q3,white,9,1\n", "quarter")
    assert parsed.rows[0].period == "2026-Q3"
    refused = parse("period,group,population,events\n2026-Q3,white,9,1\n", "month")
    assert "is not a month" in problems(refused)[0][1]


def test_quoted_cells_spanning_lines_keep_the_line_numbers_right():
    text = 'period,group,population,events\n2026,"white",9,1\n2026,"bl\nack",9,1\n2026,asian,x,1\n'
    found = problems(parse(text))
    assert [line for line, _ in found] == [3, 5]


def test_more_than_50000_rows_are_refused():
    header = "period,group,population,events\n"
    rows = "".join(f"{2000 + n % 100},white,1,0\n" for n in range(imports.MAX_ROWS + 1))
    parsed = parse(header + rows)
    assert problems(parsed) == [
        (None, "The file has more than 50,000 rows of counts. Split it into smaller files.")
    ]


class Upload:
    """An uploaded file that counts what is read of it."""

    def __init__(self, data: bytes, size: int | None = None):
        self.data, self.size, self.read_bytes = data, len(data) if size is None else size, 0

    def read(self, limit: int = -1) -> bytes:
        chunk = self.data if limit < 0 else self.data[:limit]
        self.read_bytes += len(chunk)
        return chunk


def test_a_file_over_2_mb_is_refused_before_it_is_read():
    upload = Upload(b"x" * 10, size=imports.MAX_BYTES + 1)
    assert imports.read_upload(upload) == imports.Problem(None, imports._too_large())
    assert upload.read_bytes == 0
    unsized = Upload(b"x" * (imports.MAX_BYTES + 5000), size=None)
    unsized.size = None
    assert isinstance(imports.read_upload(unsized), imports.Problem)
    assert unsized.read_bytes == imports.MAX_BYTES + 1


# --- Importing through the page -----------------------------------------------------------------


def upload(client, user, measure, data: bytes | str, **extra):
    client.force_login(user)
    if isinstance(data, str):
        data = data.encode()
    file = SimpleUploadedFile("counts.csv", data, content_type="text/csv")
    url = reverse("outcomes:counts_import", args=[measure.pk])
    return client.post(url, {"file": file, "standard": "2024", **extra})


def test_an_import_adds_and_replaces_counts_and_says_how_many(client, contributor, measure):
    count(measure, "2025", "white", 100, 50)
    count(measure, "2025", "black", 100, 40)
    response = upload(
        client,
        contributor,
        measure,
        "period,group,population,events\n2025,white,120,60\n2025,asian,30,3\n2026,white,90,45\n",
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Counts imported: 2 rows added, 1 updated."
    stored = {(c.period, c.group): (c.population, c.events) for c in measure.counts.all()}
    assert stored == {
        ("2025", "white"): (120, 60),
        ("2025", "black"): (100, 40),  # not in the file: kept
        ("2025", "asian"): (30, 3),
        ("2026", "white"): (90, 45),
    }
    assert OutcomeCount.history.filter(history_user=contributor).count() == 3


def test_importing_the_same_file_twice_changes_nothing(client, contributor, measure):
    text = "period,group,population,events\n2025,white,120,60\n"
    upload(client, contributor, measure, text)
    response = upload(client, contributor, measure, text)
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Counts imported: 0 rows added, 0 updated, 1 unchanged."
    )
    assert OutcomeCount.history.count() == 1


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(client, contributor, measure):
    count(measure, "2025", "white", 100, 50)
    response = upload(
        client,
        contributor,
        measure,
        "period,group,population,events\n2025,white,1,1\n2025,klingon,5,1\n2025,black,5,9\n",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "2 problems: nothing was imported." in html
    assert "Line 3: unknown group “klingon”" in html
    assert "Line 4: events (9) are more than the population (5)." in html
    assert [(c.group, c.population) for c in measure.counts.all()] == [("white", 100)]


def test_the_import_page_says_what_happens_to_existing_counts(client, contributor, measure):
    client.force_login(contributor)
    html = client.get(reverse("outcomes:counts_import", args=[measure.pk])).content.decode()
    assert "already have counts replace them" in html
    assert reverse("outcomes:import_template", args=[measure.pk]) in html


def test_a_bom_and_1997_labels_import(client, contributor, measure):
    data = (
        "\ufeffPeriod,Group,Population,Events\n"
        "2019,Native Hawaiian or Other Pacific Islander,40,5\n"
    )
    response = upload(client, contributor, measure, data.encode(), standard="1997")
    assert response.status_code == 302
    stored = measure.counts.get()
    assert (stored.group, stored.standard) == ("nhpi", "1997")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("period,group,population,events\n2026,Blé,1,0\n".encode("latin-1"), "is not UTF-8"),
        ("period,group,population,events\n".encode("utf-16"), "UTF-16"),
        (b"x" * (imports.MAX_BYTES + 1), "larger than 2 MB"),
        (b"period,group\n2026,white\n", "missing columns: population, events"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    client, contributor, measure, data, message
):
    response = upload(client, contributor, measure, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not measure.counts.exists()


def test_a_post_without_a_file_is_refused(client, contributor, measure):
    client.force_login(contributor)
    url = reverse("outcomes:counts_import", args=[measure.pk])
    response = client.post(url, {"file": "not a file", "standard": "2024"})
    assert response.status_code == 400
    assert not measure.counts.exists()


# --- Summaries for reports and dashboards -------------------------------------------------------


def test_the_program_disparity_without_readings_keeps_every_other_figure(program):
    """A poster prints the headline only, so it leaves out the readings."""
    seed_outcomes([program])
    full, short = program_disparity(program), program_disparity(program, reading=False)
    assert [s.reading for s in short] == [[], []] and all(s.reading for s in full)
    assert [replace(s, reading=[]) for s in full] == short


def test_the_program_disparity_takes_three_queries_then_one_cached_whatever_the_measures(
    program, django_assert_num_queries
):
    seed_outcomes([program])
    with django_assert_num_queries(3):  # the data's version, the measures, their counts
        summaries = program_disparity(program)
    with django_assert_num_queries(1):  # the version: unchanged, so the summaries are cached
        assert program_disparity(program) == summaries
    assert [s.name for s in summaries] == [
        "Re-referral within 6 months",
        "Stable housing at 12 months",
    ]
    housing = summaries[1]
    assert housing.period == "2026" and housing.favorable
    # The worst-off reliable group against the groups compared together, in percent and points.
    assert re.fullmatch(
        r"In 2026, 5\d% of families served recorded as (American Indian or Alaska Native|Black "
        r"or African American) vs 6\d% of all families served in the groups compared: 1\d "
        r"points lower\.",
        housing.headline,
    ), housing.headline
    assert housing.cramers_v > 0 and housing.index_of_disparity > 0
    assert any("Black or African American" in sentence for sentence in housing.reading)
    assert not any("Pacific Islander were" in sentence for sentence in housing.reading)


def test_the_trend_of_many_programs_takes_one_query(program, org, django_assert_num_queries):
    from assessments.models import Program

    other = Program.objects.create(organization=org, name="Second", service_area="Housing")
    seed_outcomes([program, other])
    with django_assert_num_queries(1):
        trend = programs_disparity_trend([program.pk, other.pk])
    assert list(trend.columns[:3]) == ["measure", "measure_name", "program"]
    assert len(trend) == 3 * 5  # three measures, five years
    assert trend["cramers_v"].notna().all()
    re_referral = trend[trend["measure_name"] == "Re-referral within 6 months"]
    assert re_referral["index_of_disparity"].iloc[-1] < re_referral["index_of_disparity"].iloc[0]


def test_the_trend_of_many_programs_reads_every_measure_alike(program):
    """Whatever reference a measure's page uses and whichever side of the outcome it records,
    the cohort compares the same definition: adverse rates against the best-off group."""
    rows = {"white": (400, 300), "black": (300, 150), "hispanic": (250, 150)}
    for name, direction, reference, side in (
        ("Housed", "favorable", "white", lambda n, e: e),
        ("Not housed", "adverse", "total", lambda n, e: n - e),
    ):
        measure = OutcomeMeasure.objects.create(
            program=program,
            name=name,
            direction=direction,
            denominator="families",
            reference=reference,
        )
        OutcomeCount.objects.bulk_create(
            OutcomeCount(measure=measure, period="2026", group=g, population=n, events=side(n, e))
            for g, (n, e) in rows.items()
        )
    trend = programs_disparity_trend([program.pk]).set_index("measure_name")
    assert set(trend["reference"]) == {"best"}
    # Not housed: White 25% (the best), Black 50%, Hispanic 40%: mean gap 20 points, 80% of 25.
    assert trend.loc["Housed", "index_of_disparity"] == pytest.approx(80.0)
    assert trend.loc["Not housed", "index_of_disparity"] == pytest.approx(80.0)
    assert trend.loc["Housed", "maximal_rate_ratio"] == pytest.approx(0.5 / 0.25)


def test_the_trend_of_programs_without_counts_is_empty(program):
    assert programs_disparity_trend([program.pk]).empty


# --- Demo data ----------------------------------------------------------------------------------


def black_white_ratio(measure, period: str) -> float:
    counts = {c.group: c for c in measure.counts.filter(period=period)}
    black, white = counts["black"], counts["white"]
    return (black.events / black.population) / (white.events / white.population)


def test_the_demo_gives_each_program_measures_with_five_years(program, org):
    from assessments.models import Program

    other = Program.objects.create(organization=org, name="Second", service_area="Housing")
    measures = seed_outcomes([program, other])
    assert [m.program for m in measures] == [program, program, other]
    for measure in measures:
        periods = set(measure.counts.values_list("period", flat=True))
        assert periods == {"2022", "2023", "2024", "2025", "2026"}
        assert measure.counts.count() == 5 * 10


def test_the_demo_disparity_narrows_and_small_groups_are_suppressed(program):
    seed_outcomes([program])
    re_referral = program.outcome_measures.get(direction="adverse")
    ratios = [black_white_ratio(re_referral, str(year)) for year in range(2022, 2027)]
    assert 1.8 < ratios[0] < 2.2 and 1.15 < ratios[-1] < 1.45
    assert ratios == sorted(ratios, reverse=True)
    housing = program.outcome_measures.get(direction="favorable")
    assert black_white_ratio(housing, "2022") < black_white_ratio(housing, "2026") < 1
    flagged = suppress(counts_frame(re_referral.counts.all()).drop(columns="standard"))
    hidden = set(flagged.loc[flagged["hidden"], "group"])
    assert {"nhpi", "mena"} <= hidden
    assert set(flagged.loc[flagged["group"] == "nhpi", "population"]) <= set(range(3, 10))


def test_the_demo_is_the_same_every_time(program):
    seed_outcomes([program])
    first = sorted(OutcomeCount.objects.values_list("period", "group", "population", "events"))
    OutcomeMeasure.objects.all().delete()
    seed_outcomes([program])
    again = sorted(OutcomeCount.objects.values_list("period", "group", "population", "events"))
    assert first == again


def test_an_analysis_of_the_demo_hides_no_ratio_of_a_shown_group(program):
    seed_outcomes([program])
    measure = program.outcome_measures.get(direction="adverse")
    analysis = analyse(measure, measure.counts.all(), "best")
    rates = analysis.metrics.rates
    assert set(rates["group"]) & {"nhpi", "mena"} == set()
    assert analysis.period_summary("2026")["reference_group"] not in {"nhpi", "mena"}


def test_a_number_with_thousands_of_digits_is_refused_not_a_crash():
    parsed = parse("period,group,population,events\n2026,black," + "9" * 5000 + ",1\n")
    assert problems(parsed) == [(2, "population is larger than 100,000,000.")]


def test_a_line_repeating_a_refused_line_is_reported_too():
    parsed = parse("period,group,population,events\n2026,white,-5,1\n2026,white,100,5\n")
    lines = [line for line, _message in problems(parsed)]
    assert lines == [2, 3]
    assert "already on line 2" in problems(parsed)[1][1]


def test_the_worst_off_group_is_not_compared_with_itself(program, leader):
    measure = OutcomeMeasure.objects.create(
        program=program,
        name="Re-referral",
        direction="adverse",
        denominator="families",
        reference="black",
    )
    for group, population, events in (
        ("white", 400, 40),
        ("black", 300, 150),
        ("hispanic", 250, 50),
    ):
        OutcomeCount.objects.create(
            measure=measure, period="2026", group=group, population=population, events=events
        )
    (summary,) = program_disparity(program)
    assert summary.headline == (
        "In 2026, 50% of families recorded as Black or African American vs 10% of families "
        "recorded as White: 40 points higher."
    )
