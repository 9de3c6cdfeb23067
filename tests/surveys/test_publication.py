"""A survey's results as answers come in: nothing is published before PUBLISH_FROM people have
answered; from then on, what a published state hid stays hidden, so that two downloads, before
and after one more response (or a paper form added then removed), cannot be compared to reveal
a hidden group. The rule is surveys.results `protected`; surveys.services keeps its memory."""

import csv
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import results, services
from surveys.models import Response, Survey
from tests.surveys.conftest import make_survey


def answer(survey: Survey, group: str, people: int, source: str = Response.Source.WEB) -> None:
    """`people` responses of `group`, through the one write: in turn agreeing and promoting,
    or not (whatever the group, so every group's answers are split about half and half)."""
    for _n in range(people):
        n = next(_turns)
        values = services.ResponseValues(
            answers={"respect": 5 if n % 2 else 2, "recommend": 10 if n % 2 else 0},
            race=[] if group == "unknown" else [group],
            age_band="",
            preferred_language="",
            language="en",
        )
        services.response_submit(
            survey=survey, values=values, today=timezone.localdate(), source=source
        )


_turns = itertools.count()


def interleaved(groups: dict[str, int]) -> list[str]:
    """Each group's respondents in turn, as people come in."""
    left, order = dict(groups), []
    while any(left.values()):
        for group in left:
            if left[group]:
                order.append(group)
                left[group] -= 1
    return order


def fresh(survey: Survey) -> Survey:
    return Survey.objects.get(pk=survey.pk)


def shown(survey: Survey) -> dict[str, int | None]:
    """Respondents per group (and "total") as the results show them."""
    return {cell.key: cell.population for cell in results.survey_results(fresh(survey)).respondents}


def hidden(survey: Survey) -> set[tuple]:
    """Every hidden figure of every table: (measure, group, population or events)."""
    _items, flagged = results.survey_counts(fresh(survey))
    cells = set()
    for row in flagged.itertuples():
        cells |= {(row.measure, row.group, "population")} if row.population_hidden else set()
        cells |= {(row.measure, row.group, "events")} if row.events_hidden else set()
    return cells | ({("total",)} if flagged["total_hidden"].any() else set())


def still_hidden(before: set, after: set, survey: Survey) -> bool:
    """Whatever was hidden is hidden still (a dark survey hides everything)."""
    return ("total",) in after or before <= after


@pytest.fixture
def open_survey(program) -> Survey:
    return make_survey(program)


def test_nothing_is_published_before_enough_people_answered(open_survey):
    answer(open_survey, "white", 20)
    answer(open_survey, "hispanic", results.PUBLISH_FROM - 21)
    assert fresh(open_survey).kept_hidden is None
    assert shown(open_survey) == {"total": None}  # not even which groups answered
    answer(open_survey, "hispanic", 1)
    assert fresh(open_survey).kept_hidden is not None
    assert shown(open_survey)["total"] == results.PUBLISH_FROM


def test_what_was_hidden_stays_hidden_as_answers_come_in(open_survey):
    states = []
    for group in interleaved({"white": 40, "hispanic": 30, "black": 12}):
        answer(open_survey, group, 1)
        states.append((hidden(open_survey), shown(open_survey)))
    published = [n for n, (_cells, counts) in enumerate(states) if counts["total"] is not None]
    assert published and published[0] + 1 >= results.PUBLISH_FROM
    after_first = states[published[0] :]
    for (before, _b), (after, _a) in zip(after_first, after_first[1:], strict=False):
        assert still_hidden(before, after, open_survey)
    final = states[-1][1]
    assert final["total"] == 82 and final["black"] is None  # 12 now, but hidden once


def test_a_paper_form_added_then_removed_hides_at_least_as_much(
    open_survey, django_capture_on_commit_callbacks
):
    for group in interleaved({"white": 40, "hispanic": 30, "black": 10}):
        answer(open_survey, group, 1)
    before = hidden(open_survey)
    answer(open_survey, "black", 1, source=Response.Source.PAPER)
    added = hidden(open_survey)
    with django_capture_on_commit_callbacks(execute=True):
        Response.objects.filter(survey=open_survey, source=Response.Source.PAPER).delete()
    removed = hidden(open_survey)
    assert still_hidden(before, added, open_survey) and still_hidden(added, removed, open_survey)
    assert shown(open_survey)["total"] == 80


def test_the_downloads_keep_what_the_page_hid(client, viewer, open_survey):
    for group in interleaved({"white": 40, "hispanic": 30, "black": 12}):
        answer(open_survey, group, 1)
    client.force_login(viewer)
    body = client.get(reverse("survey_results:results_csv", args=[open_survey.pk]))
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    black = [row for row in rows if row["group"] == "black"]
    assert black and all(row["respondents"] == "" and row["count"] == "" for row in black)
    page = client.get(reverse("survey_results:results", args=[open_survey.pk])).content.decode()
    assert 'data-group="black"' in page


def test_a_viewer_sees_the_protected_count_of_answers_and_a_leader_the_raw_ones(
    client, viewer, leader, open_survey
):
    answer(open_survey, "white", 5)
    url = reverse("surveys:survey", args=[open_survey.pk])
    client.force_login(viewer)
    page = client.get(url).content.decode()
    assert "Too few people have answered to show how many." in page
    assert "5 answers on the web" not in page
    client.force_login(leader)
    assert "5 answers on the web" in client.get(url).content.decode()


def test_answering_takes_as_many_queries_however_many_answered(
    open_survey, django_assert_num_queries
):
    values = services.ResponseValues({"respect": 5}, ["white"], "", "", "en")
    today = timezone.localdate()
    # a savepoint, the lock, the response, its answers, the survey, the three queries of the
    # counts, the memory, the savepoint's release
    answer(open_survey, "white", 35)
    with django_assert_num_queries(10):
        services.response_submit(survey=open_survey, values=values, today=today)
    answer(open_survey, "hispanic", 35)
    with django_assert_num_queries(10):
        services.response_submit(survey=open_survey, values=values, today=today)
