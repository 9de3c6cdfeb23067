"""The equity outcomes pages: who sees what, what they show, what they never show."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.demo import seed_outcomes
from outcomes.groups import GROUPS
from outcomes.models import OutcomeCount, OutcomeMeasure
from tests.outcomes.conftest import PERIOD, add_period

# A period with no cell to hide.
NO_SMALL_COUNTS = {
    "white": (400, 100),
    "black": (300, 150),
    "hispanic": (250, 80),
    "asian": (60, 12),
    "unknown": (31, 15),
}


def page(client, user, name: str, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def readable(html: str) -> str:
    """The page with each chart the server drew (an <svg>) reduced to its words and numbers:
    the drawing's coordinates are positions, not figures."""
    return re.sub(
        r"<svg\b.*?</svg>",
        lambda m: " ".join(re.findall(r">([^<]+)<", m.group(0))),
        html,
        flags=re.S,
    )


def cell(html: str, group: str, column: int) -> str:
    """The text of a column (0: the group's name) of a group's row in the rates table."""
    row = re.search(rf'<tr[^>]*data-group="{group}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", cells[column]).strip()


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "contributor", "leader"])
def test_every_member_reads_the_outcomes_pages(client, request, measure, role):
    user = request.getfixturevalue(role)
    assert page(client, user, "outcomes:program_outcomes", measure.program.pk).status_code == 200
    assert page(client, user, "outcomes:measure", measure.pk).status_code == 200
    assert page(client, user, "outcomes:counts_export", measure.pk).status_code == 200
    assert page(client, user, "outcomes:import_template", measure.pk).status_code == 200


def test_a_stranger_gets_404_everywhere(client, stranger, measure):
    client.force_login(stranger)
    for name in ("measure", "measure_edit", "counts_entry", "counts_import", "counts_export"):
        assert client.get(reverse(f"outcomes:{name}", args=[measure.pk])).status_code == 404
    assert (
        page(client, stranger, "outcomes:program_outcomes", measure.program.pk).status_code == 404
    )
    assert client.post(reverse("outcomes:measure_delete", args=[measure.pk])).status_code == 404
    assert OutcomeMeasure.objects.filter(pk=measure.pk).exists()


def test_a_viewer_may_not_enter_or_import_counts(client, viewer, measure):
    client.force_login(viewer)
    for name in ("counts_entry", "counts_import"):
        url = reverse(f"outcomes:{name}", args=[measure.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"period": "2027"}).status_code == 403
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert reverse("outcomes:counts_entry", args=[measure.pk]) not in html
    assert reverse("outcomes:measure_edit", args=[measure.pk]) not in html


def test_a_contributor_enters_counts_but_does_not_manage_measures(client, contributor, measure):
    client.force_login(contributor)
    assert client.get(reverse("outcomes:counts_entry", args=[measure.pk])).status_code == 200
    assert client.get(reverse("outcomes:measure_edit", args=[measure.pk])).status_code == 403
    create = reverse("outcomes:measure_create", args=[measure.program.pk])
    assert client.post(create, {"name": "Mine"}).status_code == 403
    html = page(client, contributor, "outcomes:program_outcomes", measure.program.pk)
    assert create not in html.content.decode()


def test_the_program_page_links_to_its_equity_outcomes(client, viewer, program):
    html = page(client, viewer, "assessments:program", program.pk).content.decode()
    assert reverse("outcomes:program_outcomes", args=[program.pk]) in html


# --- The program's measures ---------------------------------------------------------------------


def test_the_program_page_lists_each_measure_with_its_latest_disparity(client, viewer, measure):
    OutcomeMeasure.objects.create(
        program=measure.program, name="Exits to work", direction="favorable", denominator="adults"
    )
    html = page(client, viewer, "outcomes:program_outcomes", measure.program.pk).content.decode()
    assert "Re-referral within 6 months" in html
    assert "Lower is better" in html and "Higher is better" in html
    assert "No counts yet" in html
    # The same headline as the measure page, in percent and points; no statistic names.
    assert (
        "In 2026, 50% of families served recorded as Black or African American vs 34% of all "
        "families served in the groups compared: 16 points higher." in html
    )
    assert "Cramér" not in html


def test_a_leader_adds_a_measure(client, leader, program):
    client.force_login(leader)
    response = client.post(
        reverse("outcomes:measure_create", args=[program.pk]),
        {
            "name": "  Stable housing at 12 months ",
            "direction": "favorable",
            "denominator": "families served",
            "granularity": "quarter",
            "reference": "best",
        },
    )
    measure = OutcomeMeasure.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outcomes:measure", args=[measure.pk])
    assert (measure.name, measure.granularity, measure.created_by) == (
        "Stable housing at 12 months",
        "quarter",
        leader,
    )
    assert measure.history.get().history_user == leader


def test_a_second_measure_of_the_same_name_is_refused_with_the_form_shown_again(
    client, leader, measure
):
    client.force_login(leader)
    response = client.post(
        reverse("outcomes:measure_create", args=[measure.program.pk]),
        {
            "name": measure.name,
            "direction": "adverse",
            "denominator": "people",
            "granularity": "year",
            "reference": "total",
        },
    )
    assert response.status_code == 400
    assert "already has a measure with this name" in response.content.decode()
    assert 'value="people"' in response.content.decode()
    assert OutcomeMeasure.objects.count() == 1


def test_a_leader_edits_a_measure_but_not_its_periods_once_it_has_counts(client, leader, measure):
    client.force_login(leader)
    url = reverse("outcomes:measure_edit", args=[measure.pk])
    data = {
        "name": "Re-referred",
        "direction": "adverse",
        "denominator": "families",
        "granularity": "month",
        "reference": "white",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "its periods cannot change" in refused.content.decode()
    assert "<h1" in refused.content.decode() and measure.name in refused.content.decode()
    response = client.post(url, data | {"granularity": "year"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.reference) == ("Re-referred", "white")


def test_deleting_a_measure_deletes_its_counts_and_keeps_the_history(client, leader, measure):
    client.force_login(leader)
    edit = client.get(reverse("outcomes:measure_edit", args=[measure.pk])).content.decode()
    assert "14 rows of counts" in edit
    response = client.post(reverse("outcomes:measure_delete", args=[measure.pk]))
    assert response.status_code == 302
    assert response.url == reverse("outcomes:program_outcomes", args=[measure.program.pk])
    assert not OutcomeMeasure.objects.exists() and not OutcomeCount.objects.exists()
    deleted = OutcomeMeasure.history.filter(history_type="-").get()
    assert (deleted.name, deleted.history_user) == (measure.name, leader)
    assert OutcomeCount.history.filter(history_type="-").count() == 14


def test_delete_is_post_only(client, leader, measure):
    client.force_login(leader)
    assert client.get(reverse("outcomes:measure_delete", args=[measure.pk])).status_code == 405
    assert OutcomeMeasure.objects.exists()


# --- The measure page -------------------------------------------------------------------------


def test_the_measure_page_reads_the_latest_period_in_plain_language(client, viewer, measure):
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert "Lower is better" in html
    assert "Rates by group in 2026" in html
    # Black: 50% against the shown groups together, 342 of 1010 (33.9%), not 357 of 1104
    # (everyone, with the unknown and hidden cells).
    assert (
        '<p class="lead fw-semibold" id="headline">In 2026, 50% of families served recorded as '
        "Black or African American vs 34% of all families served in the groups compared: 16 "
        "points higher.</p>" in html
    )
    assert (
        "In 2026, families served recorded as Black or African American were 1.5 times as likely "
        "as all families served in the groups compared to be referred again (95% interval 1.3 to "
        "1.7): 50% against 34%, 16 points higher." in html
    )
    assert cell(html, "compared", 1) == "1010" and cell(html, "compared", 2) == "342"
    assert cell(html, "compared", 4) == "1.00"
    assert cell(html, "total", 4) == "–"  # everyone is shown, compared with no one
    assert "groups are left out of the comparison" in html
    assert "What each figure means" in html


def test_the_headline_comes_first_and_the_indices_sit_behind_technical_details(
    client, viewer, measure
):
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    main = html.split('id="main"')[-1] if 'id="main"' in html else html
    headline, chart = main.index('id="headline"'), main.index('data-chart="rates-chart"')
    details = main.index('<details class="mb-4 technical-details"')
    assert headline < chart < main.index('id="rates-table"') < details
    technical = main[details : main.index("</details>", details)]
    for name in ("Theil index", "Between-group variance", "Chi-square", "Cramér", "summary-table"):
        assert name in technical and name not in main[:details], name
    assert "<summary>" in technical and "Technical details" in technical
    assert "computed on the rate of this adverse outcome" in technical


def test_a_favorable_measure_says_its_indices_use_the_share_without_the_outcome(
    client, viewer, measure
):
    OutcomeMeasure.objects.filter(pk=measure.pk).update(direction="favorable")
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert "computed on the share without this favorable outcome (100% minus its rate)" in html
    assert "Index of disparity (%, adverse rate)" in html


def test_a_hidden_cell_says_why_in_one_sentence(client, viewer, measure):
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert cell(html, "nhpi", 3) == (
        "Hidden to protect a small count: 10 people or fewer could be recognised by someone who "
        "knows the program, so this count, and any figure that would reveal it, is not shown."
    )


def test_the_period_and_the_reference_are_chosen_in_the_query(client, viewer, measure):
    add_period(measure, "2027", PERIOD | {"black": (300, 60)})
    html = page(
        client, viewer, "outcomes:measure", measure.pk, period="2025", reference="white"
    ).content.decode()
    assert "Rates by group in 2025" in html
    assert "as likely as families served recorded as White" in html
    assert cell(html, "white", 0).endswith("reference")
    assert cell(html, "black", 4).startswith("2.00")


def test_unknown_choices_fall_back_to_the_defaults(client, viewer, measure):
    html = page(
        client, viewer, "outcomes:measure", measure.pk, period="<b>", reference="everyone"
    ).content.decode()
    assert "Rates by group in 2026" in html
    assert '<option value="total" selected>' in html


def test_suppressed_counts_appear_nowhere_on_the_page(client, viewer, measure):
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert cell(html, "nhpi", 1) == "suppressed (1–10)"
    assert cell(html, "nhpi", 2) == "suppressed (1–10)"
    assert cell(html, "mena", 1) == "57"  # its population is not small
    assert cell(html, "mena", 2) == "suppressed (1–10)"
    assert "not shown" in cell(html, "mena", 3)
    # mena's rate (4/57 = 7.0%) and its ratio are in no table, chart or sentence.
    assert "<svg" in html  # the charts are drawn, and their words and numbers read below
    assert "7.0" not in readable(html) and "Middle Eastern or North African were" not in html
    assert "Native Hawaiian or Pacific Islander were" not in html
    charts = re.findall(r'<script id="[\w-]+" type="application/json">(.*?)</script>', html, re.S)
    assert len(charts) == 3
    assert all("Middle Eastern" not in c and "Native Hawaiian" not in c for c in charts)


def test_a_rate_from_too_few_people_is_flagged_unreliable(client, viewer, measure):
    # 14 of 25: fewer than 30 people (NCHS); 12 of 60 Asian families is reliable (20%, 10.8% to
    # 32.3%, within 130% of the rate), though it has fewer than 20 events.
    add_period(measure, "2027", NO_SMALL_COUNTS | {"aian": (25, 14)})
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert "unreliable: too few people" in cell(html, "aian", 3)
    assert "unreliable" not in cell(html, "asian", 3)
    assert "unreliable" not in cell(html, "black", 3)
    assert "American Indian or Alaska Native were" not in html  # the reading leaves it out
    assert "Asian were 0.5" in html


def test_a_favorable_measure_says_higher_is_better(client, viewer, measure):
    OutcomeMeasure.objects.filter(pk=measure.pk).update(direction="favorable")
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert "Higher is better" in html and "Lower is better" not in html


def test_1997_data_carry_the_standards_note(client, viewer, measure):
    OutcomeCount.objects.filter(measure=measure, period="2025").update(standard="1997")
    html_2025 = page(client, viewer, "outcomes:measure", measure.pk, period="2025")
    html_2026 = page(client, viewer, "outcomes:measure", measure.pk, period="2026")
    assert "recorded under the 1997 standard" in html_2025.content.decode()
    assert "recorded under the 1997 standard" not in html_2026.content.decode()


def test_a_measure_without_counts_says_so(client, viewer, program):
    empty = OutcomeMeasure.objects.create(
        program=program, name="New", direction="favorable", denominator="people"
    )
    html = page(client, viewer, "outcomes:measure", empty.pk).content.decode()
    assert "No counts yet." in html


def test_a_period_too_small_to_compare_shows_its_counts_suppressed(client, viewer, measure):
    add_period(measure, "2027", {"white": (5, 1), "black": (4, 2)})
    html = page(client, viewer, "outcomes:measure", measure.pk, period="2027").content.decode()
    assert "too few people to compare groups" in html
    assert cell(html, "white", 1) == "suppressed (1–10)"
    assert cell(html, "total", 1) == "suppressed (1–10)"


def test_a_count_that_would_reveal_a_small_one_is_suppressed_too(client, viewer, measure):
    # Asian's 5 events alone would be recovered from the total: another group's are hidden too.
    counts = {"white": (400, 100), "black": (300, 150), "hispanic": (250, 40), "asian": (60, 5)}
    add_period(measure, "2027", counts)
    html = page(client, viewer, "outcomes:measure", measure.pk, period="2027").content.decode()
    hidden = [g for g in counts if cell(html, g, 2) == "suppressed (1–10)"]
    assert "asian" in hidden and len(hidden) == 2
    (complement,) = set(hidden) - {"asian"}
    population, events = counts[complement]
    assert cell(html, complement, 1) == str(population)  # its population is not small
    assert f"{100 * events / population:.1f}" not in readable(html)
    assert f"{dict(GROUPS)[complement]} were" not in html
    rows = read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    shown = next(r for r in rows if (r["period"], r["group"]) == ("2027", complement))
    assert (shown["events"], shown["rate"], shown["ratio"]) == ("", "", "")


def test_a_suppressed_reference_group_compares_no_one(client, viewer, measure):
    html = page(client, viewer, "outcomes:measure", measure.pk, reference="nhpi").content.decode()
    assert "No group is compared with Native Hawaiian or Pacific Islander in 2026" in html
    assert "times as likely" not in html
    assert cell(html, "black", 4).startswith("–")


def test_the_program_page_copes_with_a_measure_too_small_to_compare(client, viewer, program):
    tiny = OutcomeMeasure.objects.create(
        program=program, name="Tiny", direction="adverse", denominator="people"
    )
    add_period(tiny, "2026", {"white": (5, 1), "black": (4, 2)})
    html = page(client, viewer, "outcomes:program_outcomes", program.pk).content.decode()
    assert "Too few groups or people to compare." in html
    html = page(client, viewer, "outcomes:measure", tiny.pk).content.decode()
    assert "too few people to compare groups" in html


def measure_page_queries(client, measure) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("outcomes:measure", args=[measure.pk]))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_measure_page_queries_do_not_grow_with_the_periods(client, viewer, measure):
    client.force_login(viewer)
    two = measure_page_queries(client, measure)
    for year in range(2019, 2025):
        add_period(measure, str(year))
    eight = measure_page_queries(client, measure)
    # measure, membership, its counts, the other measures' counts (+ session, user, sign-in)
    assert two == eight <= 7 + 4


def test_the_program_page_queries_do_not_grow_with_the_measures(client, viewer, measure):
    client.force_login(viewer)
    url = reverse("outcomes:program_outcomes", args=[measure.program.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        more = OutcomeMeasure.objects.create(
            program=measure.program, name=f"M{n}", direction="adverse", denominator="people"
        )
        add_period(more, "2026")
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(one.captured_queries) == len(four.captured_queries)


# --- CSV files ----------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_blanks_and_marks_suppressed_cells(client, viewer, measure):
    response = page(client, viewer, "outcomes:counts_export", measure.pk)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = {(r["period"], r["group"]): r for r in read_csv(response)}
    nhpi, mena, black = rows["2026", "nhpi"], rows["2026", "mena"], rows["2026", "black"]
    assert (nhpi["population"], nhpi["events"], nhpi["rate"]) == ("", "", "")
    assert nhpi["note"] == mena["note"] == "suppressed"
    assert nhpi["note_name"] == mena["note_name"] == "suppressed (1–10)"
    assert (mena["population"], mena["events"], mena["ratio"]) == ("57", "", "")
    assert (black["population"], black["events"], float(black["rate"])) == ("300", "150", 0.5)
    assert float(rows["2026", "total"]["rate"]) == pytest.approx(357 / 1104, abs=1e-6)
    assert rows["2026", "asian"]["note"] == ""  # 12 of 60: reliable under the NCHS standard
    assert rows["2026", "compared"]["reference"] == "compared"
    assert (rows["2026", "compared"]["population"], rows["2026", "compared"]["ratio"]) == (
        "1010",
        "1.0",
    )
    assert rows["2026", "total"]["ratio"] == ""


def test_the_export_marks_unreliable_rates_and_ratios(client, viewer, measure):
    add_period(measure, "2027", NO_SMALL_COUNTS | {"aian": (25, 14), "asian": (28, 14)})
    OutcomeMeasure.objects.filter(pk=measure.pk).update(reference="asian")
    rows = {
        (r["period"], r["group"]): r
        for r in read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    }
    assert rows["2027", "aian"]["note"] == "unreliable_rate"
    assert rows["2027", "aian"]["note_name"] == "unreliable rate (NCHS standard for proportions)"
    assert rows["2027", "white"]["note"] == "unreliable_ratio"
    assert (
        rows["2027", "white"]["note_name"] == "unreliable ratio: the reference's rate is unreliable"
    )


def test_a_named_reference_with_nobody_counted_has_no_ratio_in_the_page_or_the_export(
    client, viewer, measure
):
    add_period(measure, "2027", NO_SMALL_COUNTS | {"aian": (0, 0)})
    OutcomeMeasure.objects.filter(pk=measure.pk).update(reference="aian")
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert "nobody counted" in cell(html, "aian", 3)
    assert "No group is compared with American Indian or Alaska Native in 2027" in html
    rows = {
        (r["period"], r["group"]): r
        for r in read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    }
    assert rows["2027", "aian"]["ratio"] == ""
    assert rows["2027", "aian"]["note"] == "reference_empty"
    assert rows["2027", "aian"]["note_name"] == "reference with no one counted: no ratios"


def test_the_export_neutralises_formulas_in_text(client, viewer, measure):
    OutcomeMeasure.objects.filter(pk=measure.pk).update(name="=HYPERLINK(1)")
    rows = read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    assert {row["measure"] for row in rows} == {"'=HYPERLINK(1)"}
    assert any(row["ratio_ci_low"] for row in rows)


def test_the_template_has_one_row_per_group_with_zero_counts(client, viewer, measure):
    rows = read_csv(page(client, viewer, "outcomes:import_template", measure.pk))
    assert [row["group"] for row in rows][:3] == ["aian", "asian", "black"]
    assert len(rows) == 10
    assert {(row["population"], row["events"]) for row in rows} == {("0", "0")}
    assert len({row["period"] for row in rows}) == 1 and re.fullmatch(r"\d{4}", rows[0]["period"])


# --- Entering one period ----------------------------------------------------------------------


def entry(period: str = "2027", **groups) -> dict:
    data = {"period": period, "standard": "2024"}
    for group, (population, events) in groups.items():
        data |= {f"population_{group}": population, f"events_{group}": events}
    return data


def test_entering_a_period_saves_its_counts(client, contributor, measure):
    client.force_login(contributor)
    url = reverse("outcomes:counts_entry", args=[measure.pk])
    response = client.post(url, entry(white=("100", "20"), black=("80", " 30 ")))
    assert response.status_code == 302
    assert response.url == reverse("outcomes:measure", args=[measure.pk]) + "?period=2027"
    saved = {c.group: (c.population, c.events) for c in measure.counts.filter(period="2027")}
    assert saved == {"white": (100, 20), "black": (80, 30)}
    assert OutcomeCount.history.filter(period="2027").first().history_user == contributor


def test_the_entry_form_is_prefilled_and_saving_replaces_the_period(client, contributor, measure):
    client.force_login(contributor)
    url = reverse("outcomes:counts_entry", args=[measure.pk])
    form = client.get(url, {"period": "2026"}).content.decode()
    assert 'value="2026"' in form and 'value="300"' in form
    client.post(url, entry("2026", white=("400", "90")))
    assert {c.group: c.events for c in measure.counts.filter(period="2026")} == {"white": 90}
    assert measure.counts.filter(period="2025").count() == len(PERIOD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (entry(white=("10", "11")), "This is more than the number of people."),
        (entry(white=("-1", "0")), "greater than or equal to 0"),
        (entry(white=("abc", "1")), "Enter a whole number."),
        (entry(white=("1.5", "1")), "Enter a whole number."),
        (entry(white=("10", "")), "Enter both numbers, or leave both empty."),
        (entry(white=("99999999999", "1")), "less than or equal to"),
        (entry("2027-Q1", white=("10", "1")), "is not a year"),
        (entry("1850", white=("10", "1")), "not a year this tool accepts"),
    ],
)
def test_bad_counts_are_refused_and_everything_typed_is_shown_again(
    client, contributor, measure, data, message
):
    client.force_login(contributor)
    data |= {"population_black": "77", "events_black": "7"}
    response = client.post(reverse("outcomes:counts_entry", args=[measure.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    for name, value in data.items():
        if name != "standard":
            assert f'name="{name}" id="id_{name}" value="{value}"' in html
    assert not measure.counts.filter(period__in=["2027", "2027-Q1", "1850"]).exists()


def test_an_empty_entry_form_asks_for_one_group(client, contributor, measure):
    client.force_login(contributor)
    response = client.post(reverse("outcomes:counts_entry", args=[measure.pk]), entry())
    assert response.status_code == 400
    assert "Enter the counts of at least one group." in response.content.decode()
    assert not measure.counts.filter(period="2027").exists()


def test_counts_of_a_group_the_form_does_not_have_are_refused(client, contributor, measure):
    client.force_login(contributor)
    data = entry(white=("100", "20")) | {"population_martian": "5", "events_martian": "1"}
    response = client.post(reverse("outcomes:counts_entry", args=[measure.pk]), data)
    assert response.status_code == 400
    assert "groups this tool does not know" in response.content.decode()
    assert not measure.counts.filter(period="2027").exists()


def test_the_seeded_demo_pages_render(client, viewer, program):
    seed_outcomes([program])
    for measure in program.outcome_measures.all():
        html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
        assert "suppressed (1–10)" in html
        assert "In 2026, families served recorded as Black or African American" in html


def test_two_measures_of_a_program_cannot_be_compared_to_reveal_a_small_group(
    client, viewer, program
):
    """Both measures count the same families; one has no "unknown" row, so each table's own
    complement would hide a different group, and one measure's shown total minus its shown
    groups would give the other's hidden Pacific Islander population."""
    from outcomes.models import OutcomeCount, OutcomeMeasure

    families = {
        "white": 400,
        "black": 300,
        "hispanic": 250,
        "asian": 60,
        "nhpi": 6,
        "mena": 57,
        "unknown": 31,
    }
    measures = []
    for name, skip in (("Re-referral", None), ("Housed", "unknown")):
        measure = OutcomeMeasure.objects.create(
            program=program, name=name, direction="adverse", denominator="families"
        )
        OutcomeCount.objects.bulk_create(
            OutcomeCount(measure=measure, period="2025", group=g, population=n, events=n // 3)
            for g, n in families.items()
            if g != skip
        )
        measures.append(measure)
    client.force_login(viewer)
    hidden = {}
    for measure in measures:
        csv = client.get(reverse("outcomes:counts_export", args=[measure.pk])).content
        lines = csv.decode("utf-8-sig").splitlines()
        hidden[measure.name] = {
            group
            for group in ("Pacific Islander", "Middle Eastern", "Asian", "Hispanic")
            if any(group in line and "suppressed" in line for line in lines)
        }
    # The same populations are hidden in both measures: no subtraction across them.
    assert hidden["Re-referral"] == hidden["Housed"]
    assert "Pacific Islander" in hidden["Housed"]
