"""The cohort's poster: the ranking of action steps (no database), then the PDF itself."""

import re
import shutil
from datetime import date

import pandas as pd
import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments import levels
from assessments.models import Organization, PlanStep, Program
from assessments.services import assessment_start, assessment_submit
from cohorts import poster
from cohorts.models import Cohort, CohortMember, Facilitator, GoalLink, SharedGoal
from cohorts.poster import TopStep, top_steps
from cohorts.sharing import Scope
from reports import pdf
from reports.documents import poster_sizes
from tests.conftest import answer_all, make_user
from tests.cycles import cycle_of, round_of
from tests.reports import poster_boxes
from tests.reports.test_documents import flat, pdf_reader, pdf_text, save_for_inspection
from valuecurve import text

TODAY = date(2026, 6, 1)


def scope(cohort: Cohort) -> Scope:
    """The poster as a facilitator without two-factor sees it."""
    return Scope(cohort, verified=False)


def frame(*rows) -> pd.DataFrame:
    """Rows of (organization, dimension, action_step key or None, title, status)."""
    columns = ["organization", "dimension", "action_step", "title", "status"]
    return pd.DataFrame(list(rows), columns=columns)


# --- Ranking ------------------------------------------------------------------------------------


def test_most_chosen_first_then_most_advanced_then_by_title():
    ranked = top_steps(
        frame(
            ("a", "gov", "k-audit", "Audit", "in_progress"),
            ("b", "gov", "k-audit", "Audit", "not_started"),
            ("a", "gov", "k-board", "Board", "done"),
            ("b", "gov", "k-board", "Board", "not_started"),
            ("a", "gov", "k-charter", "Charter", "done"),
            ("a", "gov", "k-adopt", "Adopt", "not_started"),
        )
    )
    assert ranked == {
        "gov": [
            TopStep("Board", 2, 1, True),
            TopStep("Audit", 2, 0, True),
            TopStep("Charter", 1, 1, True),
            TopStep("Adopt", 1, 0, True),
        ]
    }


def test_a_member_counts_once_and_has_a_step_done_when_one_program_has():
    ranked = top_steps(
        frame(
            ("a", "gov", "k", "Audit", "done"),
            ("a", "gov", "k", "Audit", "not_started"),  # a's second program
            ("b", "gov", "k", "Audit", "in_progress"),
        )
    )
    assert ranked["gov"] == [TopStep("Audit", 2, 1, True)]


def test_dropped_steps_are_not_pursued():
    ranked = top_steps(
        frame(
            ("a", "gov", "k", "Audit", "dropped"),
            ("b", "gov", "k", "Audit", "done"),
            ("a", "gov", "x", "Only dropped", "dropped"),
        )
    )
    assert ranked["gov"] == [TopStep("Audit", 1, 1, True)]


def test_library_steps_count_by_key_under_their_most_used_title():
    ranked = top_steps(
        frame(
            ("a", "gov", "k", "Audit our policies", "done"),
            ("b", "gov", "k", "Audit our policies", "done"),
            ("c", "gov", "k", "Audit policies (v2)", "in_progress"),
        )
    )
    assert ranked["gov"] == [TopStep("Audit our policies", 3, 2, True)]


def test_members_own_steps_count_by_exact_title_and_only_when_two_wrote_it():
    ranked = top_steps(
        frame(
            ("a", "people", None, "Listening sessions", "done"),
            ("b", "people", None, "Listening sessions", "not_started"),
            ("c", "people", None, "Our own secret plan", "done"),
            ("d", "people", None, "listening sessions", "done"),
        )
    )
    assert ranked["people"] == [TopStep("Listening sessions", 2, 1, False)]


def test_at_most_five_per_dimension_each_dimension_apart():
    rows = [("a", "gov", f"k{n}", f"Step {n}", "not_started") for n in range(8)]
    rows.append(("a", "data", "d1", "Data step", "done"))
    ranked = top_steps(frame(*rows))
    assert [s.title for s in ranked["gov"]] == [f"Step {n}" for n in range(5)]
    assert ranked["data"] == [TopStep("Data step", 1, 1, True)]
    assert len(top_steps(frame(*rows), per_dimension=2)["gov"]) == 2


def test_no_steps_no_ranking():
    assert top_steps(frame()) == {}


# --- The PDF ------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test installs it)"
)
GOAL = "Outcomes reported by race in every program"


def member(cohort, name: str, framework, user, status="active", sharing="plans"):
    organization = Organization.objects.create(name=name, sector="nonprofit")
    program = Program.objects.create(organization=organization, name="Housing", service_area="H")
    assessment = assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=user
    )
    answer_all(assessment, levels.COLLABORATIVE)
    assessment_submit(assessment=assessment, expected_version=assessment.version, by=user)
    CohortMember.objects.create(
        cohort=cohort, organization=organization, status=status, sharing=sharing
    )
    round_of(cohort, "2026")
    return assessment


@pytest.fixture
def cohort(db):
    return Cohort.objects.create(name="Northside Equity Network")


@pytest.fixture
def members(cohort, framework, action_steps):
    """Five members sharing their plans, one sharing only its levels, one that withdrew."""
    user = make_user("facilitator")
    found = {
        name: member(cohort, name, framework, user)
        for name in ("Alder House", "Birch Services", "Cedar DSS", "Dogwood Aid")
    }
    found["Elm Everything"] = member(
        cohort, "Elm Everything", framework, user, sharing="everything"
    )
    found["Fir Levels"] = member(cohort, "Fir Levels", framework, user, sharing="levels")
    found["Gone Withdrawn"] = member(
        cohort, "Gone Withdrawn", framework, user, status="withdrawn", sharing=""
    )
    return found


def first_steps(assessment, dimension_key: str) -> list[PlanStep]:
    return list(
        assessment.plan_steps.filter(dimension__key=dimension_key, action_step__isnull=False)
    )


def test_the_ranking_reads_only_members_sharing_their_plans(cohort, members):
    first, second, *_rest = first_steps(members["Alder House"], "governance")
    for name in ("Alder House", "Birch Services"):
        members[name].plan_steps.filter(action_step=first.action_step).update(status="done")
    # Done by the two that may not be counted: were they counted, this step would lead.
    for name in ("Fir Levels", "Gone Withdrawn"):
        members[name].plan_steps.filter(action_step=second.action_step).update(status="done")
    ranked = top_steps(poster.cycle_steps(scope(cohort), "2026"))
    leader, *others = ranked["governance"]
    assert leader == TopStep(first.action_step.title, 5, 2, True)
    assert all(s.members == 5 and s.done == 0 for s in others)


def test_the_goals_count_only_members_sharing_their_plans(cohort, members):
    goal = SharedGoal.objects.create(cohort=cohort, title=GOAL, target_year=2028)
    for name in ("Alder House", "Fir Levels", "Gone Withdrawn"):
        GoalLink.objects.create(goal=goal, plan_step=members[name].plan_steps.first())
    assert [(g.title, g.members) for g in poster.poster_goals(scope(cohort))] == [(GOAL, 1)]


@needs_poppler
@pytest.mark.parametrize(
    ("size", "media_box"), [("tabloid", (1224, 792)), ("a3", (1190.55, 841.89))]
)
def test_the_poster_is_one_large_page_with_the_top_steps_and_goals(
    cohort, members, tmp_path, size, media_box, django_assert_max_num_queries
):
    goal = SharedGoal.objects.create(cohort=cohort, title=GOAL, target_year=2028)
    GoalLink.objects.create(goal=goal, plan_step=members["Alder House"].plan_steps.first())
    top = first_steps(members["Alder House"], "insight")[0]
    PlanStep.objects.filter(action_step=top.action_step).update(status="done")
    with django_assert_max_num_queries(6):  # whatever the number of members
        content = poster.cohort_poster_pdf(
            scope=scope(cohort), size=poster_sizes()[size], today=TODAY
        )
    save_for_inspection(content, f"cohort-poster-{size}.pdf")
    reader = pdf_reader(content)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(media_box, abs=0.1)
    text = flat(pdf_text(content, tmp_path))
    assert "Northside Equity Network" in text and GOAL in text and "By 2028" in text
    assert "1 member working on it" in text
    # Titles wrap in their columns: the first words stand together in the text.
    assert " ".join(top.action_step.title.split()[:4]) in text and "5 members · 5 done" in text
    assert "from the action plans of the 5 members that share them" in text
    assert "Based on the Human Services Value Curve" in text
    assert "shown when at least" not in text  # six members share their levels
    for name in members:
        assert name not in text  # counts only, never a member's name


@needs_poppler
def test_the_levels_are_not_drawn_for_fewer_than_five_members(
    cohort, framework, action_steps, tmp_path
):
    user = make_user("facilitator")
    for name in ("Alder House", "Birch Services"):
        member(cohort, name, framework, user)
    context = poster.cohort_poster_context(
        scope=scope(cohort), size=poster_sizes()["a3"], today=TODAY
    )
    assert context["levels"].organizations == 2 and context["chart_image"] is None
    content = poster.cohort_poster_pdf(scope=scope(cohort), size=poster_sizes()["a3"], today=TODAY)
    save_for_inspection(content, "cohort-poster-few.pdf")
    text = flat(pdf_text(content, tmp_path))
    assert "shown when at least 5 members share their levels" in text
    # The steps' counts are aggregates of two members' plans: suppressed too.
    assert "2 members ·" not in text and "1 member ·" not in text
    assert "shown when at least 5 members share their action plans" in text
    assert len(pdf_reader(content).pages) == 1


@needs_poppler
@pytest.mark.parametrize("size", ["tabloid", "a3"])
def test_too_few_members_sharing_plans_get_a_centered_notice_in_the_steps_place(
    cohort, framework, action_steps, tmp_path, size
):
    user = make_user("facilitator")
    for name in ("Alder House", "Birch Services"):
        member(cohort, name, framework, user)
    html = poster.cohort_poster_html(scope=scope(cohort), size=poster_sizes()[size], today=TODAY)
    document = pdf.render_document(html)
    content = pdf.document_pdf(document)
    save_for_inspection(content, f"cohort-poster-few-{size}.pdf")
    assert len(document.pages) == 1
    text = flat(pdf_text(content, tmp_path))
    assert "For 2026, 2 members share their action plans so far." in text
    assert "from the action plans of the 2 members" not in text  # no steps are shown from them
    page = document.pages[0]._page_box
    (notice,) = [
        box
        for box in page.descendants()
        if box.element_tag == "section" and "steps-withheld" in box.element.get("class", "")
    ]
    # The notice takes the columns' place: the page's width, down to the footer.
    assert notice.border_width() >= 0.97 * page.width
    bottom = notice.position_y + notice.margin_height() - page.content_box_y()
    assert bottom >= 0.85 * page.height
    # Its text is centered across and down.
    lines = text_lines(notice)
    middle = notice.border_box_x() + notice.border_width() / 2
    for left, right, _top, _bottom in lines:
        assert abs((left + right) / 2 - middle) < 2
    above = lines[0][2] - notice.border_box_y()
    below = notice.border_box_y() + notice.border_height() - lines[-1][3]
    assert abs(above - below) < 0.1 * notice.border_height()


def text_lines(box) -> list[tuple[float, float, float, float]]:
    """(left, right, top, bottom) of each line of text in the box, top to bottom."""
    from weasyprint.formatting_structure import boxes

    lines = [b for b in box.descendants() if isinstance(b, boxes.LineBox)]
    spans = []
    for line in lines:
        texts = [b for b in line.descendants() if isinstance(b, boxes.TextBox)]
        if texts:
            left = min(t.position_x for t in texts)
            right = max(t.position_x + t.margin_width() for t in texts)
            spans.append((left, right, line.position_y, line.position_y + line.height))
    return sorted(spans, key=lambda span: span[2])


@needs_poppler
def test_an_empty_cohort_still_makes_a_poster(cohort, tmp_path):
    content = poster.cohort_poster_pdf(
        scope=scope(cohort), size=poster_sizes()["tabloid"], today=TODAY
    )
    text = flat(pdf_text(content, tmp_path))
    assert "No member shares an action plan for this cycle yet." in text
    assert "The cohort has not set shared goals yet." in text
    assert len(pdf_reader(content).pages) == 1


def test_the_file_is_named_after_the_cohort(cohort):
    name = poster.cohort_poster_filename(cohort, "a3")
    assert name == "value-curve-northside-equity-network-cohort-poster-a3.pdf"


@needs_poppler
def test_long_names_and_many_goals_stay_on_one_page(cohort, members, action_steps, tmp_path):
    cohort.name = ("Red Regional Colaborativa por la Equidad " * 6)[:200]
    cohort.save()
    for n in range(9):
        SharedGoal.objects.create(
            cohort=cohort, title=(f"Goal {n} " + "reduce the gap in outcomes " * 10)[:200]
        )
    action_steps.update(title=("W" * 30 + " a very long library step title " * 8)[:200])
    content = poster.cohort_poster_pdf(
        scope=scope(cohort), size=poster_sizes()["tabloid"], today=TODAY
    )
    save_for_inspection(content, "cohort-poster-long.pdf")
    assert len(pdf_reader(content).pages) == 1
    text = flat(pdf_text(content, tmp_path))
    assert "+3 more goals" in text and "…" in text


@needs_poppler
def test_without_chromium_the_levels_are_said_in_words(cohort, members, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise pdf.ChartUnavailable("no Chromium")

    monkeypatch.setattr(pdf, "figure_svg", broken)
    content = poster.cohort_poster_pdf(scope=scope(cohort), size=poster_sizes()["a3"], today=TODAY)
    text = flat(pdf_text(content, tmp_path))
    assert "Governance & Structures: 6 Collaborative" in text
    assert len(pdf_reader(content).pages) == 1


@needs_poppler
@pytest.mark.parametrize("size", ["tabloid", "a3"])
def test_the_cohorts_commitment_fits_one_line_of_a_one_page_poster(
    cohort, members, action_steps, tmp_path, size
):
    cohort.name = ("Red Regional Colaborativa por la Equidad " * 6)[:200]
    cohort.commitment_statement = "We commit to a county where " + "race predicts nothing " * 100
    cohort.save()
    content = poster.cohort_poster_pdf(scope=scope(cohort), size=poster_sizes()[size], today=TODAY)
    assert len(pdf_reader(content).pages) == 1
    text = flat(pdf_text(content, tmp_path))
    assert "We commit to a county where race predicts nothing" in text


COHORT_SCRIPTS = {
    "latin": ("Red Regional Colaborativa ", "We commit to a county where race predicts nothing. "),
    "cjk": ("社区公平行动网络", "我们承诺让种族不再决定人们的境遇。"),
    "arabic": ("شبكة المساواة الإقليمية ", "نلتزم بمقاطعة لا يحدد فيها العرق مصير أحد. "),
}


def filled(word: str, limit: int) -> str:
    out = ""
    while text.poster_length(out + word) <= limit:
        out += word
    return text.flat(out)


@pytest.mark.parametrize("size", ["tabloid", "a3"])
@pytest.mark.parametrize("script", ["latin", "cjk", "arabic"])
def test_a_maximal_cohort_poster_fits_one_page_in_its_columns_at_9_pt_or_more(
    cohort, members, action_steps, size, script
):
    name, sentence = COHORT_SCRIPTS[script]
    cohort.name = filled(name, 200)
    cohort.commitment_statement = filled(sentence, Cohort.POSTER_COMMITMENT_LENGTH)
    cohort.save()
    for n in range(poster.POSTER_GOALS):
        SharedGoal.objects.create(cohort=cohort, title=filled(sentence, 200), target_year=2030 + n)
    action_steps.update(title=filled(sentence, 200))
    context = poster.cohort_poster_context(
        scope=scope(cohort), size=poster_sizes()[size], today=TODAY
    )
    layout = poster_boxes.poster_layout("cohorts/print/poster.html", context)
    assert context["fit"].fits
    assert layout.pages == 1
    assert layout.overflows == []
    assert layout.smallest_text_pt >= 9
    planned = context["fit"].columns * 72 + 4  # the set height and the column's rule
    assert all(h <= planned + 0.5 for h in layout.column_heights_pt), layout.column_heights_pt
    printed = "".join(layout.texts.split())
    assert "".join(cohort.commitment_statement.split()) in printed  # whole
    assert "".join(cohort.name.split()) in printed
    assert len(context["goals"]) == poster.POSTER_GOALS
    assert all(len(c.steps) == 5 for c in context["columns"])


# --- The web page ----------------------------------------------------------------------------


def test_the_poster_web_page_shows_what_the_pdf_prints_and_links_it(client, cohort, members):
    facilitator = make_user("poster-facilitator")
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    goal = SharedGoal.objects.create(cohort=cohort, title=GOAL, target_year=2028)
    GoalLink.objects.create(goal=goal, plan_step=members["Alder House"].plan_steps.first())
    client.force_login(facilitator)
    url = reverse("cohorts:poster_page", args=[cohort.pk])
    response = client.get(url + "?cycle=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    context = poster.cohort_poster_context(
        scope=scope(cohort), size=poster_sizes()["tabloid"], today=TODAY, cycle="2026"
    )
    assert GOAL in page and "By 2028" in page and "1 member working on it" in page
    for column in context["columns"]:
        for step in column.steps:
            assert escape(step.title) in page
    assert "from the action plans of the 5 members that share them" in page
    for name in members:
        assert name not in page  # counts only, never a member's name
    pdf_url = reverse("cohorts:poster", args=[cohort.pk])
    assert f"{pdf_url}?size=tabloid&amp;cycle=2026" in page
    assert f"{pdf_url}?size=a3&amp;cycle=2026" in page
    assert "css/poster-screen.css" in page
    assert client.get(url + "?size=a0").status_code == 404
    dashboard = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert f"{url}?cycle=2026" in dashboard


def test_the_poster_web_page_is_the_facilitators_only(client, cohort, members):
    client.force_login(make_user("not-a-facilitator"))
    assert client.get(reverse("cohorts:poster_page", args=[cohort.pk])).status_code == 404


def test_the_cohort_poster_is_in_the_language_asked_its_measures_plain(client, cohort, members):
    from django.urls import reverse
    from django.utils import translation

    from cohorts.models import Facilitator

    user = make_user("poster-facilitator")
    Facilitator.objects.create(cohort=cohort, user=user)
    client.force_login(user)
    response = client.get(reverse("cohorts:poster", args=[cohort.pk]) + "?size=a3&lang=es")
    assert str(pdf_reader(response.content).trailer["/Root"]["/Lang"]) == "es"
    assert client.get(reverse("cohorts:poster", args=[cohort.pk]) + "?lang=xx").status_code == 404
    with translation.override("es"):
        html = poster.cohort_poster_html(
            scope=scope(cohort), size=poster_sizes()["a3"], today=TODAY
        )
    style = html.split("<style>")[1].split("</style>")[0]
    assert "in;" in style and not re.search(r"\d,\d", style)
