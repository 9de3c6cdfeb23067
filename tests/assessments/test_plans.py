"""Action plans: the selection rule, the plan made on submit, editing, scorecards."""

import datetime

from django.urls import reverse

from assessments import levels
from assessments.action_steps import Candidate, choose_steps
from assessments.models import PlanStep
from assessments.scoring import DimensionResult
from assessments.services import assessment_reopen, assessment_submit
from reports.scorecard import StepRow, build_scorecard
from tests.conftest import answer_all


def result(level: int, holding_back=()) -> DimensionResult:
    return DimensionResult("d", level, float(level), {}, holding_back=tuple(holding_back))


def candidate(key, from_level, indicators=(), order=0) -> Candidate:
    return Candidate(key, from_level, frozenset(indicators), order)


def test_steps_come_from_the_move_to_the_next_level():
    steps = [candidate("a0", 0), candidate("b1", 1), candidate("c2", 2)]
    assert choose_steps(result(levels.REGULATIVE), steps) == ["b1"]
    assert choose_steps(result(levels.NOT_YET), steps) == ["a0"]


def test_steps_on_what_holds_the_dimension_back_come_first():
    steps = [
        candidate("first-in-library", 1, {"x"}, order=0),
        candidate("two-blockers", 1, {"p", "q"}, order=5),
        candidate("one-blocker", 1, {"p"}, order=3),
    ]
    chosen = choose_steps(result(levels.REGULATIVE, holding_back={"p", "q"}), steps)
    assert chosen == ["two-blockers", "one-blocker", "first-in-library"]


def test_at_most_five_steps_and_a_generative_dimension_keeps_the_last_move():
    steps = [candidate(f"s{n}", 3, order=n) for n in range(7)]
    assert choose_steps(result(levels.GENERATIVE), steps) == ["s0", "s1", "s2", "s3", "s4"]


def test_submitting_makes_a_plan_of_five_steps_per_dimension(draft, leader, action_steps):
    answer_all(draft, levels.REGULATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    steps = list(draft.plan_steps.select_related("dimension", "action_step"))
    assert len(steps) == 20
    assert {s.action_step.from_level for s in steps} == {levels.REGULATIVE}
    assert {s.dimension.key for s in steps} == {"governance", "insight", "services", "people"}
    assert PlanStep.history.count() == 20  # recorded, with who made it
    assert {h.history_user for h in PlanStep.history.all()} == {leader}


def test_a_plan_survives_reopening_and_submitting_again(draft, leader, action_steps):
    answer_all(draft, levels.REGULATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    draft.plan_steps.update(status=PlanStep.Status.DONE)
    assessment_reopen(assessment=draft, by=leader, reason="Typo")
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    assert draft.plan_steps.count() == 20
    assert not draft.plan_steps.exclude(status=PlanStep.Status.DONE).exists()


def submitted_plan(draft, leader):
    answer_all(draft, levels.COLLABORATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    return list(draft.plan_steps.filter(dimension__key="governance").order_by("order"))


def test_a_leader_edits_a_step(client, draft, leader, action_steps):
    step = submitted_plan(draft, leader)[0]
    client.force_login(leader)
    response = client.post(
        reverse("assessments:plan_step_edit", args=[step.pk]),
        {"title": "Adopt it", "owner": "Ana", "due_date": "2027-03-01", "status": "in_progress"},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.owner, step.due_date) == ("Adopt it", "Ana", datetime.date(2027, 3, 1))


def test_a_bad_due_date_is_refused_and_nothing_changes(client, draft, leader, action_steps):
    step = submitted_plan(draft, leader)[0]
    client.force_login(leader)
    response = client.post(
        reverse("assessments:plan_step_edit", args=[step.pk]),
        {"title": "Changed", "due_date": "not a date", "status": "done"},
    )
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.title != "Changed"


def test_reordering_and_removing_steps(client, draft, leader, action_steps):
    first, second, *_ = submitted_plan(draft, leader)
    client.force_login(leader)
    client.post(reverse("assessments:plan_step_move", args=[first.pk]), {"direction": "down"})
    order = list(draft.plan_steps.filter(dimension__key="governance").order_by("order"))
    assert order[:2] == [second, first]
    client.post(reverse("assessments:plan_step_remove", args=[first.pk]))
    assert not PlanStep.objects.filter(pk=first.pk).exists()


def test_adding_a_step_from_the_library_or_of_ones_own(client, draft, leader, action_steps):
    submitted_plan(draft, leader)
    client.force_login(leader)
    url = reverse("assessments:plan_step_add", args=[draft.pk, "governance"])
    library = action_steps.filter(dimension__key="governance", from_level=3).first()
    client.post(url, {"governance-library_step": library.pk, "governance-status": "not_started"})
    client.post(url, {"governance-title": "Our own step", "governance-status": "not_started"})
    titles = set(draft.plan_steps.values_list("title", flat=True))
    assert {library.title, "Our own step"} <= titles
    refused = client.post(url, {"governance-status": "not_started"})
    assert refused.status_code == 400  # neither a title nor a library step


def test_the_scorecard_counts_by_status_and_finds_overdue_steps():
    today = datetime.date(2027, 1, 10)
    rows = [
        StepRow("Gov", "done", None, "a"),
        StepRow("Gov", "in_progress", datetime.date(2027, 1, 1), "late"),
        StepRow("Gov", "done", datetime.date(2026, 1, 1), "done late is fine"),
        StepRow("Ins", "dropped", datetime.date(2026, 1, 1), "dropped is fine"),
    ]
    card = build_scorecard(rows, ["Gov", "Ins"], today)
    assert card.rows[0] == ("Gov", {"not_started": 0, "in_progress": 1, "done": 2, "dropped": 0}, 1)
    assert [s.title for s in card.overdue] == ["late"]
    assert card.done_share == 0.67


def test_the_scorecard_pages_show_the_plan(client, draft, leader, viewer, action_steps):
    step = submitted_plan(draft, leader)[0]
    PlanStep.objects.filter(pk=step.pk).update(due_date=datetime.date(2020, 1, 1))
    client.force_login(viewer)
    program_page = client.get(reverse("scorecards:program", args=[draft.program.pk]))
    org_page = client.get(reverse("scorecards:organization", args=[draft.program.organization.pk]))
    for page in (program_page, org_page):
        assert page.status_code == 200
        assert step.title in page.content.decode()  # listed as overdue


def test_leaders_write_the_statements(client, leader, org):
    client.force_login(leader)
    response = client.post(
        reverse("assessments:statements", args=[org.pk]),
        {"commitment_statement": "Race will not predict how families fare.", "vision": "Thriving"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.commitment_statement.startswith("Race will not")


def test_a_poster_line_is_saved_and_one_too_long_for_the_poster_is_refused(
    client, draft, leader, action_steps
):
    step = submitted_plan(draft, leader)[0]
    client.force_login(leader)
    url = reverse("assessments:plan_step_edit", args=[step.pk])
    page = client.get(url).content.decode()
    assert 'data-poster-limit="100"' in page and "js/counter.js" in page
    line = "Every intake form asks race the same way by spring."
    response = client.post(url, {"title": step.title, "poster_line": line, "status": "done"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.poster_line == line
    # Fifty-one Chinese characters take the room of 102 Latin ones: over the poster's 100.
    response = client.post(url, {"title": step.title, "poster_line": "公" * 51, "status": "done"})
    assert response.status_code == 400
    assert "holds up to 100 characters" in response.content.decode()
    step.refresh_from_db()
    assert step.poster_line == line


def test_the_commitment_statement_is_held_to_what_a_poster_shows_whole(client, leader, org):
    client.force_login(leader)
    url = reverse("assessments:statements", args=[org.pk])
    assert 'data-poster-limit="600"' in client.get(url).content.decode()
    longest = ("We commit to equity. " * 40)[:600]
    assert client.post(url, {"commitment_statement": longest}).status_code == 302
    response = client.post(url, {"commitment_statement": longest + " More."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The poster shows the commitment statement whole" in page and "Shorten it by 6" in page
    org.refresh_from_db()
    assert org.commitment_statement == longest.strip()


def test_the_plan_page_marks_the_steps_the_poster_shows(client, draft, leader, action_steps):
    first = submitted_plan(draft, leader)[0]
    PlanStep.objects.filter(pk=first.pk).update(status=PlanStep.Status.DROPPED)
    client.force_login(leader)
    page = client.get(reverse("assessments:plan", args=[draft.pk])).content.decode()
    active = draft.plan_steps.exclude(status=PlanStep.Status.DROPPED)
    dimensions = draft.framework.dimensions.all()
    expected = sum(min(5, active.filter(dimension=d).count()) for d in dimensions)
    assert expected == 5 * len(dimensions) - 1  # the dropped one is not on the poster
    assert page.count("On the poster") == expected
    assert reverse("reports:poster", args=[draft.pk]) in page
