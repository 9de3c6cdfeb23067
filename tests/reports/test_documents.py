"""The printable report and the poster: the PDF files themselves are read, not only statuses.

Charts are drawn as SVG in Python (valuecurve.chart_svg), from the pages' plotly figures.
"""

import io
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from assessments import levels
from assessments.models import Organization, PlanStep
from assessments.plans import StepValues, plan_step_add
from assessments.services import assessment_start, assessment_submit
from reports import charts, documents, pdf
from tests.conftest import answer_all
from tests.cycles import cycle_of
from tests.reports import poster_boxes
from valuecurve import text

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdffonts"),
    reason="poppler-utils is not installed (make test installs it)",
)

DIMENSIONS = ("Governance & Structures", "Insight & Evidence", "Services & Solutions")
CREDIT = "Based on the Human Services Value Curve, Leadership for a Networked World."


# --- Reading PDFs -------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """pdftotext's text on one line: wrapped lines joined, hyphenation left as it is."""
    return " ".join(text.split())


def pdf_fonts(content: bytes, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    header, rule, *rows = output.stdout.splitlines()
    emb = header.index("emb")
    return [{"name": row.split()[0], "emb": row[emb : emb + 3].strip()} for row in rows]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def save_for_inspection(content: bytes, name: str) -> None:
    """With KEEP_DOCUMENTS=<folder>, the test's PDFs are kept there to look at."""
    folder = os.environ.get("KEEP_DOCUMENTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def submitted(draft, leader, action_steps):
    """The draft answered at Collaborative and submitted: scored, with a plan."""
    answer_all(draft, levels.COLLABORATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def statement(org):
    org.commitment_statement = "We commit to services where race no longer predicts outcomes."
    org.vision = "Every family in the county thrives."
    org.save()
    return org


def add_step(assessment, dimension, title: str, by, **fields) -> PlanStep:
    values = {
        "title": title,
        "description": "",
        "measure": "",
        "owner": "",
        "due_date": None,
        "status": PlanStep.Status.NOT_STARTED,
        "notes": "",
        "poster_line": "",
    } | fields
    return plan_step_add(
        assessment=assessment, dimension=dimension, values=StepValues(**values), by=by
    )


def get(client, user, name: str, assessment, query: str = ""):
    client.force_login(user)
    return client.get(reverse(f"reports:{name}", args=[assessment.pk]) + query)


# --- The report -----------------------------------------------------------------------------


def test_the_report_pdf_has_the_cover_levels_answers_and_plan(
    client, viewer, submitted, statement, tmp_path
):
    response = get(client, viewer, "report_pdf", submitted)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="value-curve-riverside-county-dss-family-stability-2026-report.pdf"'
    )
    content = response.content
    save_for_inspection(content, "report.pdf")
    assert len(pdf_reader(content).pages) >= 2
    text = flat(pdf_text(content, tmp_path))
    assert "Family Stability" in text and "Riverside County DSS" in text
    assert "race no longer predicts outcomes" in text and "Every family in the county" in text
    for name in DIMENSIONS:
        assert name in text
    assert "Collaborative" in text and "Minutes 2026-03" in text
    first_step = submitted.plan_steps.order_by("dimension__order", "order").first()
    # Table cells wrap: the title's first words stand together in the text.
    assert " ".join(first_step.title.split()[:4]) in text
    assert "Scorecard" in text and CREDIT in text
    assert "Provisional" not in text


def test_the_report_pdf_is_tagged_titled_and_embeds_its_fonts(client, viewer, submitted, tmp_path):
    content = get(client, viewer, "report_pdf", submitted).content
    reader = pdf_reader(content)
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert "Family Stability" in reader.metadata.title
    fonts = pdf_fonts(content, tmp_path)
    assert fonts and all(font["emb"] == "yes" for font in fonts), fonts


def test_the_report_shows_the_spread_of_several_respondents(
    client, leader, viewer, submitted, tmp_path
):
    from assessments.models import Indicator, Respondent, RespondentAnswer

    indicator = Indicator.objects.filter(dimension__framework=submitted.framework).first()
    for user, level in ((leader, levels.REGULATIVE), (viewer, levels.INTEGRATIVE)):
        respondent = Respondent.objects.create(assessment=submitted, user=user)
        RespondentAnswer.objects.create(respondent=respondent, indicator=indicator, level=level)
    content = get(client, viewer, "report_pdf", submitted).content
    save_for_inspection(content, "report-spread.pdf")
    text = flat(pdf_text(content, tmp_path))
    assert "Respondents" in text
    assert "leader: Regulative" in text and "viewer: Integrative" in text


def test_a_draft_report_is_marked_provisional(client, viewer, draft, tmp_path):
    response = get(client, viewer, "report_pdf", draft)
    assert response.status_code == 200
    text = flat(pdf_text(response.content, tmp_path))
    assert "Provisional" in text and "Draft (provisional)" in text
    assert "There is no action plan yet" in text


def test_a_draft_poster_is_marked_provisional(client, viewer, draft, tmp_path):
    response = get(client, viewer, "poster_pdf", draft)
    assert response.status_code == 200
    text = flat(pdf_text(response.content, tmp_path))
    assert "Draft (provisional)" in text
    assert text.count("No steps planned in this dimension yet.") == 4


def test_the_printable_page_draws_the_charts_as_svg_and_links_the_pdf(client, viewer, submitted):
    response = get(client, viewer, "report", submitted)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('src="data:image/svg+xml;base64,') == 1
    assert reverse("reports:report_pdf", args=[submitted.pk]) in page
    assert "css/print.css" in page


def test_the_printable_page_draws_the_trend_once_there_is_a_second_cycle(
    client, viewer, leader, submitted, framework
):
    later = assessment_start(
        program=submitted.program,
        cycle=cycle_of(submitted.program, "2099"),
        framework=framework,
        by=leader,
        copy_from=submitted,
    )
    assessment_submit(assessment=later, expected_version=later.version, by=leader)
    page = get(client, viewer, "report", later).content.decode()
    assert page.count('src="data:image/svg+xml;base64,') == 2
    assert "Each dimension's index in every submitted cycle." in page


def test_the_report_is_made_without_charts_when_a_chart_cannot_be_drawn(
    client, viewer, submitted, monkeypatch, tmp_path
):
    def broken(*args, **kwargs):
        raise pdf.ChartUnavailable("a figure the kit cannot draw")

    monkeypatch.setattr(pdf, "figure_svg", broken)
    response = get(client, viewer, "report_pdf", submitted)
    assert response.status_code == 200
    assert "Governance & Structures" in flat(pdf_text(response.content, tmp_path))


# --- The report's pages -----------------------------------------------------------------------


PARTS = ["Summary", "Action plan", "Evidence and answers"]


@pytest.fixture
def second_cycle(submitted, statement, leader, framework):
    """A later cycle of the program, answered higher and submitted, with outcome data."""
    later = assessment_start(
        program=submitted.program,
        cycle=cycle_of(submitted.program, "2099"),
        framework=framework,
        by=leader,
        copy_from=submitted,
    )
    answer_all(later, levels.INTEGRATIVE)
    assessment_submit(assessment=later, expected_version=later.version, by=leader)
    add_housing_measure(submitted.program)
    later.refresh_from_db()
    return later


def rendered_report(assessment):
    """The report laid out (WeasyPrint's Document, to measure) and its PDF."""
    html = documents.report_html(assessment, spread={}, today=date(2099, 6, 1))
    document = pdf.render_document(html)
    return document, pdf.document_pdf(document)


def page_texts(content: bytes, tmp_path: Path) -> list[str]:
    """pdftotext of each page on its own (it ends every page with a form feed)."""
    return [flat(page) for page in pdf_text(content, tmp_path).split("\f")[:-1]]


def used_share(page) -> float:
    """How far down its content area the page's text and images reach, from 0 to 1."""
    from weasyprint.formatting_structure import boxes

    page_box = page._page_box
    footer = {
        id(box)
        for margin in page_box.children
        if isinstance(margin, boxes.MarginBox)
        for box in margin.descendants()
    }
    bottom = max(
        box.position_y + box.margin_height()
        for box in page_box.descendants()
        if isinstance(box, boxes.TextBox | boxes.ReplacedBox) and id(box) not in footer
    )
    return (bottom - page_box.content_box_y()) / page_box.height


def outline(content: bytes) -> list[tuple[str, int, list[str]]]:
    """The PDF's bookmarks: (title, page index, titles of its children) per top-level one."""
    reader = pdf_reader(content)
    tree, entries = reader.outline, []
    for n, item in enumerate(tree):
        if isinstance(item, list):
            continue
        following = tree[n + 1] if n + 1 < len(tree) else []
        children = (
            [c.title for c in following if not isinstance(c, list)]
            if isinstance(following, list)
            else []
        )
        entries.append((item.title, reader.get_destination_page_number(item), children))
    return entries


def test_the_report_opens_with_a_summary_then_the_plan_then_the_evidence(second_cycle, tmp_path):
    _document, content = rendered_report(second_cycle)
    save_for_inspection(content, "report-parts.pdf")
    parts = outline(content)
    assert [title for title, _page, _children in parts] == PARTS
    starts = [page for _title, page, _children in parts]
    assert starts[0] == 0 and starts == sorted(set(starts))
    (_, _, summary), (_, _, plan), (_, _, evidence) = parts
    assert summary == []
    assert plan[0] == "Scorecard" and set(DIMENSIONS) <= set(plan)
    assert [c.split(":")[0] for c in evidence[1:-1]][:3] == list(DIMENSIONS)
    assert evidence[-1] == "Equity outcomes: does race still predict how people fare?"

    pages = page_texts(content, tmp_path)
    first = pages[0]
    assert "Overall level: Integrative" in first and "Since 2026" in first
    for name in DIMENSIONS:
        assert f"{name} Integrative 3.00 +1.00, was Collaborative" in first
    top = documents.plan_steps(second_cycle)[0]
    assert " ".join(top.title.split()[:4]) in first
    assert housing_headline(second_cycle.program) in first
    assert "Answers for" not in first and "Measure of progress" not in first
    assert pages[starts[1]].startswith("Action plan")
    assert "Evidence and answers" in pages[starts[2]]
    assert all("Answers for" not in page for page in pages[: starts[2]])


def test_the_summary_says_when_there_is_no_earlier_cycle_or_outcome_data(submitted, tmp_path):
    _document, content = rendered_report(submitted)
    first = page_texts(content, tmp_path)[0]
    assert "There is no earlier submitted cycle to compare with." in first
    assert "Since" not in first and "Does race still predict" not in first


def test_every_report_page_has_its_footer_once(second_cycle, tmp_path):
    _document, content = rendered_report(second_cycle)
    pages = page_texts(content, tmp_path)
    assert len(pages) >= 4
    for number, page_text in enumerate(pages, start=1):
        assert page_text.count(CREDIT) == 1, number
        assert page_text.count(f"Page {number} / {len(pages)}") == 1, number


def test_no_report_page_is_less_than_half_used_but_the_last_of_a_part(second_cycle):
    document, content = rendered_report(second_cycle)
    starts = [page for _title, page, _children in outline(content)]
    last_of_part = {start - 1 for start in starts[1:]} | {len(document.pages) - 1}
    shares = [used_share(page) for page in document.pages]
    inner = [n for n in range(len(shares)) if n not in last_of_part]
    assert inner, "no part runs over a page: nothing was measured"
    assert all(shares[n] >= 0.5 for n in inner), shares
    assert shares[0] >= 0.5  # the summary fills its page


def test_every_table_header_in_the_report_has_its_scope(second_cycle):
    _document, content = rendered_report(second_cycle)
    cells = structure_elements(pdf_reader(content), {"/TH", "/TD"})
    headers = [attributes(cell) for cell in cells if cell["/S"] == "/TH"]
    scopes = [header.get("/Scope") for header in headers]
    assert len(headers) > 40 and None not in scopes, scopes
    assert {"/Row", "/Column"} == set(scopes)
    assert all("/Headers" in attributes(cell) for cell in cells if cell["/S"] == "/TD")


def structure_elements(reader: PdfReader, kinds: set[str]) -> list:
    """The structure tree's elements of these kinds (/TH, /P...), in document order."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if node.get("/S") in kinds:
            found.append(node)
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        stack.extend(reversed([kid for kid in kids if not isinstance(kid, int)]))
    return found


def attributes(element) -> dict:
    """An element's attributes (/A: one dictionary or an array of them), merged."""
    owned = element.get("/A", {})
    owned = owned.get_object() if hasattr(owned, "get_object") else owned
    merged: dict = {}
    for entry in owned if isinstance(owned, list) else [owned]:
        merged.update(entry.get_object())
    return merged


# --- The poster -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "size", "media_box"),
    [
        ("", "tabloid", (1224, 792)),
        ("?size=tabloid", "tabloid", (1224, 792)),
        ("?size=a3", "a3", (1190.55, 841.89)),
    ],
)
def test_the_poster_is_one_large_landscape_page(
    client, viewer, submitted, statement, tmp_path, query, size, media_box
):
    response = get(client, viewer, "poster_pdf", submitted, query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; "
        f'filename="value-curve-riverside-county-dss-family-stability-2026-poster-{size}.pdf"'
    )
    save_for_inspection(response.content, f"poster-{size}.pdf")
    reader = pdf_reader(response.content)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(media_box, abs=0.1)
    text = flat(pdf_text(response.content, tmp_path))
    assert "Family Stability" in text and "Riverside County DSS" in text
    for name in DIMENSIONS:
        assert name in text
    assert "Collaborative" in text and "race no longer predicts outcomes" in text
    assert CREDIT in text and "version 1" in text


def test_an_unknown_poster_size_is_not_found(client, viewer, submitted):
    assert get(client, viewer, "poster_pdf", submitted, "?size=a0").status_code == 404


def test_the_poster_shows_the_first_five_steps_still_in_the_plan(
    client, leader, submitted, tmp_path
):
    first = submitted.plan_steps.order_by("dimension__order", "order").first()
    PlanStep.objects.filter(pk=first.pk).update(status=PlanStep.Status.DROPPED)
    steps = list(submitted.plan_steps.filter(dimension=first.dimension).order_by("order"))
    text = flat(pdf_text(get(client, leader, "poster_pdf", submitted).content, tmp_path))
    assert first.title not in text
    # The PDF's text reads the four columns' lines interleaved: the layout's lines, joined.
    printed = squashed(
        poster_boxes.poster_layout("reports/print/poster.html", poster_of(submitted)).texts
    )
    assert squashed(first.title) not in printed
    for step in steps[1:6]:
        assert squashed(step.title) in printed


def squashed(words: str) -> str:
    return "".join(words.split())


def test_the_poster_shows_the_leaders_own_step_where_the_leader_puts_it(
    client, leader, submitted, tmp_path
):
    dimension = submitted.framework.dimensions.first()
    own = add_step(submitted, dimension, "Our own step: listen to families first", leader)
    heads = [s.head for s in poster_of(submitted)["columns"][0].steps]
    assert own.title not in heads  # the sixth step: the poster shows the first five
    plan_step_move_to_top(own, leader)
    heads = [s.head for s in poster_of(submitted)["columns"][0].steps]
    assert heads[0] == own.title and len(heads) == 5


def plan_step_move_to_top(step, by) -> None:
    from assessments.plans import plan_step_move

    for _ in range(step.assessment.plan_steps.filter(dimension=step.dimension).count()):
        try:
            plan_step_move(step=step, up=True, by=by)
        except Exception:
            return


def test_a_poster_line_replaces_the_title_and_the_steps_show_owner_due_date_and_status(
    client, leader, submitted, tmp_path
):
    step = submitted.plan_steps.order_by("dimension__order", "order").first()
    step.poster_line = "Every intake form asks race the same way by spring."
    step.owner, step.due_date, step.status = "Ana Ruiz", date(2026, 4, 1), "in_progress"
    step.save()
    assert get(client, leader, "poster_pdf", submitted).status_code == 200
    printed = poster_boxes.poster_layout("reports/print/poster.html", poster_of(submitted)).texts
    # Text boxes are lines: the columns' lines interleave in the PDF's reading of them.
    assert "".join(step.poster_line.split()) in "".join(printed.split())
    assert step.title not in printed
    assert "AnaRuiz·byApril1,2026·Inprogress" in "".join(printed.split())
    assert "…" not in printed  # no step, statement or name is cut


def poster_of(assessment, size: str = "tabloid") -> dict:
    return documents.poster_context(
        assessment, size=documents.poster_sizes()[size], today=date(2026, 3, 1), disparity=True
    )


LONG_TITLE = "Build the program's shared equity data practice with partners and families. "
LONG_DESCRIPTION = "This sentence describes the work in some detail for the report. "
SCRIPTS = {
    "latin": ("Organización ", "We commit to equity in every program we run. "),
    "cjk": ("社区公平行动计划", "我们承诺在每个项目中实现种族公平。"),
    "arabic": ("خطة العمل من أجل المساواة ", "نلتزم بالمساواة في كل برنامج نديره. "),
}


def filled(word: str, limit: int) -> str:
    """`word` repeated to the poster room `limit` exactly (or one under)."""
    out = ""
    while text.poster_length(out + word) <= limit:
        out += word
    return text.flat(out)


def maximal_poster(assessment, leader, script: str, poster_lines: bool) -> None:
    """Longest allowed text in every field the poster prints, five steps and more in
    every dimension, two outcome measures with long names."""
    name, sentence = SCRIPTS[script]
    org = assessment.program.organization
    org.name = filled(name, 200)
    org.commitment_statement = filled(sentence, Organization.POSTER_COMMITMENT_LENGTH)
    org.save()
    assessment.program.name = filled(name, 200)
    assessment.program.save()
    assessment.plan_steps.all().delete()
    line = filled(sentence, PlanStep._meta.get_field("poster_line").max_length)
    for dimension in assessment.framework.dimensions.all():
        for n in range(7):
            add_step(
                assessment,
                dimension,
                filled(LONG_TITLE if script == "latin" else sentence, 200),
                leader,
                description=filled(LONG_DESCRIPTION if script == "latin" else sentence, 2000),
                owner=filled(name, 200),
                due_date=date(2026, 9, 30),
                status=PlanStep.Status.IN_PROGRESS if n % 2 else PlanStep.Status.NOT_STARTED,
                poster_line=line if poster_lines else "",
            )
    for measure_name in ("A" * 10 + " long measure name " * 10, "Second measure " * 13):
        measure = add_housing_measure(assessment.program)
        measure.name = measure_name[:200]
        measure.save()


@pytest.mark.parametrize("size", ["tabloid", "a3"])
@pytest.mark.parametrize(
    ("script", "poster_lines"),
    [("latin", True), ("latin", False), ("cjk", True), ("cjk", False), ("arabic", True)],
)
def test_a_maximal_poster_fits_one_page_in_its_columns_at_9_pt_or_more(
    leader, submitted, size, script, poster_lines
):
    maximal_poster(submitted, leader, script, poster_lines)
    context = poster_of(submitted, size)
    layout = poster_boxes.poster_layout("reports/print/poster.html", context)
    assert context["fit"].fits
    assert layout.pages == 1
    assert layout.overflows == []
    assert layout.smallest_text_pt >= 9
    # A column's set height (its content box) and its 4 pt rule: it did not grow.
    planned = context["fit"].columns * 72 + 4
    assert all(h <= planned + 0.5 for h in layout.column_heights_pt), layout.column_heights_pt
    printed = "".join(layout.texts.split())
    statement = submitted.program.organization.commitment_statement
    assert "".join(statement.split()) in printed  # whole
    for column in context["columns"]:
        assert len(column.steps) == 5
        for step in column.steps:
            assert "".join(step.head.split()) in printed
            assert step.status in layout.texts
    if poster_lines:  # only an owner's name over its room is shortened
        assert all("…" not in s.head for c in context["columns"] for s in c.steps)


def test_the_demo_poster_fills_its_page_at_a_readable_size(leader, submitted, statement):
    add_housing_measure(submitted.program)
    for size in ("tabloid", "a3"):
        context = poster_of(submitted, size)
        layout = poster_boxes.poster_layout("reports/print/poster.html", context)
        assert layout.pages == 1 and layout.overflows == []
        assert layout.smallest_text_pt >= 9
        # A plan of five library steps per dimension is set larger than the minimum.
        assert context["fit"].step_pt >= 10
        assert "…" not in layout.texts


def test_markup_in_user_text_comes_out_as_text(client, leader, submitted, tmp_path):
    markup = "<b>bold</b><script>alert(1)</script>"
    dimension = submitted.framework.dimensions.first()
    submitted.plan_steps.filter(dimension=dimension).delete()
    add_step(submitted, dimension, markup, leader)
    for name in ("poster_pdf", "report_pdf"):
        text = flat(pdf_text(get(client, leader, name, submitted).content, tmp_path))
        assert markup in text, name


def test_spanish_vietnamese_chinese_and_arabic_render_with_embedded_fonts(
    client, leader, submitted, tmp_path
):
    titles = {
        "Acción para la equidad en la niñez",
        "Kế hoạch hành động vì công bằng",
        "社区公平行动计划",
        "خطة العمل من أجل المساواة",
    }
    submitted.plan_steps.all().delete()
    for dimension, title in zip(submitted.framework.dimensions.all(), sorted(titles), strict=False):
        add_step(submitted, dimension, title, leader)
    for name in ("poster_pdf", "report_pdf"):
        content = get(client, leader, name, submitted).content
        save_for_inspection(content, f"{name}-languages.pdf")
        fonts = pdf_fonts(content, tmp_path)
        assert all(font["emb"] == "yes" for font in fonts), fonts
        names = " ".join(font["name"] for font in fonts)
        assert "CJK" in names and "Arabic" in names, names
        text = pdf_text(content, tmp_path)
        for title in titles - {"خطة العمل من أجل المساواة"}:
            assert title in flat(text), (name, title)
        assert _arabic_words("خطة العمل من أجل المساواة") <= _arabic_words(text)


def _arabic_words(text: str) -> set[str]:
    """Arabic words, whatever order pdftotext puts right-to-left words in."""
    return set(re.findall(r"[\u0600-\u06FF]+", text))


# --- Access -------------------------------------------------------------------------------------


DOCUMENTS = ("report", "report_pdf", "poster", "poster_pdf")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_stranger_cannot_tell_the_document_exists(client, stranger, submitted, name):
    assert get(client, stranger, name, submitted).status_code == 404


@pytest.mark.parametrize("name", DOCUMENTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, submitted, name):
    response = client.get(reverse(f"reports:{name}", args=[submitted.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ("report", "poster", "poster_pdf"))
def test_a_viewer_can_read_the_documents_of_a_draft(client, viewer, draft, name):
    assert get(client, viewer, name, draft).status_code == 200


def test_the_results_page_links_the_documents_and_draws_the_curve(client, viewer, submitted):
    page = get(client, viewer, "results", submitted).content.decode()
    for label in (
        "Printable report",
        "Report (PDF)",
        "Poster (PDF, 11 × 17 in)",
        "Poster (PDF, A3)",
    ):
        assert label in page
    poster = reverse("reports:poster_pdf", args=[submitted.pk])
    assert f"{poster}?size=tabloid" in page and f"{poster}?size=a3" in page
    assert reverse("reports:poster", args=[submitted.pk]) in page and "Poster (web page)" in page
    assert 'data-chart="curve-chart"' in page and 'id="curve-chart"' in page


def test_the_results_page_links_to_the_action_plan_once_submitted(client, viewer, submitted):
    plan = reverse("assessments:plan", args=[submitted.pk])
    assert f'href="{plan}"' in get(client, viewer, "results", submitted).content.decode()


def test_a_draft_results_page_has_no_plan_link_yet(client, viewer, draft):
    plan = reverse("assessments:plan", args=[draft.pk])
    assert plan not in get(client, viewer, "results", draft).content.decode()


def test_the_poster_web_page_shows_what_the_pdf_prints_and_links_it(
    client, viewer, submitted, statement, django_assert_max_num_queries
):
    add_housing_measure(submitted.program)
    client.force_login(viewer)
    url = reverse("reports:poster", args=[submitted.pk])
    with django_assert_max_num_queries(37):
        page = client.get(url).content.decode()
    context = poster_of(submitted)
    for column in context["columns"]:
        for step in column.steps:
            assert escape(step.head) in page and step.status in page
    assert "race no longer predicts outcomes" in page
    assert housing_headline(submitted.program) in page and "Cramér" not in page
    pdf_url = reverse("reports:poster_pdf", args=[submitted.pk])
    assert f"{pdf_url}?size=tabloid" in page and f"{pdf_url}?size=a3" in page
    assert "css/poster-screen.css" in page
    assert client.get(url + "?size=a0").status_code == 404


def test_a_statement_saved_longer_than_the_poster_holds_is_ended_after_a_sentence_and_said(
    client, leader, org, submitted
):
    org.commitment_statement = "We commit to equity in every program we run. " * 20
    org.save()
    context = poster_of(submitted)
    assert context["statement_cut"]
    assert context["statement"].endswith("we run.")
    assert text.poster_length(context["statement"]) <= Organization.POSTER_COMMITMENT_LENGTH
    page = get(client, leader, "results", submitted).content.decode()
    assert "longer than a poster shows whole" in page
    assert reverse("assessments:statements", args=[org.pk]) in page


# --- Pure pieces ------------------------------------------------------------------------------


def test_shorten_keeps_whole_sentences_and_never_cuts_inside_a_word():
    assert text.shorten("short   text\n", 20) == "short text"
    assert text.shorten("One sentence. Two sentences here. Three.", 30) == "One sentence."
    cut = text.shorten("one two three four five six seven", 20)
    assert cut == "one two three four…" and text.poster_length(cut) <= 20
    assert text.shorten("e.g. this stays. Next one is long enough", 20) == "e.g. this stays."
    assert text.first_sentences("A first sentence that is long.", 10) == ""


def test_wide_characters_take_twice_the_room():
    assert text.poster_length("公平") == 4 and text.poster_length("a  b") == 3
    assert text.shorten("我们承诺。我们行动。", 12) == "我们承诺。"


def test_file_names_are_ascii_slugs_with_a_fallback():
    class Named:
        def __init__(self, **kwargs):
            self.__dict__.update(kwargs)

    organization = Organization(name="社区")
    program = Named(name="Niñez Segura", organization=organization)
    assessment = Named(program=program, cycle=Named(name="2026 Q1"))
    name = documents.document_filename(assessment, "poster-a3")
    assert name == "value-curve-organization-ninez-segura-2026-q1-poster-a3.pdf"


def test_the_curve_places_each_dimension_at_its_index():
    markers = [
        charts.CurveMarker("governance", "Governance", 2, 2.1),
        charts.CurveMarker("insight", "Insight", 1, 1.4),
        charts.CurveMarker("services", "Services", 2, 2.1),
    ]
    fig = charts.curve_figure(markers)
    placed = [trace for trace in fig.data if trace.name]
    assert [trace.x[0] for trace in placed] == [2.1, 1.4, 2.1]
    assert placed[0].y[0] == pytest.approx(charts.curve_height(2.1))
    # The second dimension at the same index is lifted above the first, not hidden by it.
    assert placed[2].y[0] > placed[0].y[0]
    assert placed[0].marker.color == charts.DIMENSION_COLORS["governance"]


def test_the_curve_rises_through_the_four_levels():
    heights = [charts.curve_height(level) for level in range(5)]
    assert heights == sorted(heights) and len(set(heights)) == 5


def test_a_document_fetches_nothing_but_data_urls(tmp_path):
    secret = tmp_path / "secret.svg"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="99" height="20">'
    secret.write_text(svg + '<text y="15">SECRET</text></svg>')
    html = f'<p>Before</p><img src="file://{secret}" alt="x"><p>After</p>'
    text = flat(pdf_text(pdf.html_to_pdf(html), tmp_path))
    assert "Before" in text and "After" in text and "SECRET" not in text


def test_the_same_figure_is_drawn_once():
    fig = charts.profile_figure([charts.DimensionBar("Governance", 2, 2.25)])
    first = pdf.figure_svg(fig, 600, 200)
    hits = pdf._svg_for.cache_info().hits
    assert pdf.figure_svg(fig, 600, 200) == first
    assert pdf._svg_for.cache_info().hits == hits + 1
    assert first.startswith(b"<svg") and b"Governance" in first


@pytest.mark.parametrize("days, overdue", [(-1, True), (1, False)])
def test_the_report_scorecard_counts_overdue_steps(leader, submitted, days, overdue):
    dimension = submitted.framework.dimensions.first()
    today = date(2026, 6, 1)
    add_step(submitted, dimension, "Late", leader, due_date=today + timedelta(days=days))
    steps = documents.plan_steps(submitted)
    card = documents.plan_scorecard(list(submitted.framework.dimensions.all()), steps, today)
    assert card.rows[0][2] == int(overdue)


# --- The disparity panel ------------------------------------------------------------------------


def add_housing_measure(program):
    """Black families half as likely as white families to stay housed; a Pacific Islander
    group of 7 families (suppressed) with 3 housed."""
    from outcomes.models import OutcomeCount, OutcomeMeasure

    measure = OutcomeMeasure.objects.create(
        program=program,
        name="Stable housing at 12 months",
        direction="favorable",
        denominator="families",
        granularity="year",
    )
    rows = [("white", 400, 240), ("black", 300, 90), ("hispanic", 200, 100), ("nhpi", 7, 3)]
    OutcomeCount.objects.bulk_create(
        OutcomeCount(measure=measure, period="2026", group=g, population=p, events=e)
        for g, p, e in rows
    )
    return measure


def housing_headline(program) -> str:
    """The headline the measure page leads with (which cells privacy hides decides the
    groups-compared rate, so it is read, not written out), checked for its shape."""
    from outcomes.summary import program_disparity

    (housing,) = program_disparity(program)
    assert re.fullmatch(
        r"In 2026, 30% of families recorded as Black or African American vs \d\d% of all "
        r"families in the groups compared: \d{1,2} points lower\.",
        housing.headline,
    ), housing.headline
    return housing.headline


def test_the_poster_and_report_carry_a_disparity_panel(
    client, viewer, submitted, statement, tmp_path
):
    add_housing_measure(submitted.program)
    poster = get(client, viewer, "poster_pdf", submitted)
    assert len(pdf_reader(poster.content).pages) == 1
    text = flat(pdf_text(poster.content, tmp_path))
    assert "Does race still predict our outcomes?" in text
    # The measure page's headline, in percent and points; no statistic names.
    assert "Stable housing at 12 months" in text
    assert housing_headline(submitted.program) in text
    assert "Cramér" not in text
    report = get(client, viewer, "report_pdf", submitted)
    text = flat(pdf_text(report.content, tmp_path))
    assert "Equity outcomes: does race still predict how people fare?" in text
    assert "Stable housing at 12 months" in text
    assert housing_headline(submitted.program) in text
    assert "Cramér" not in text
    assert "Native Hawaiian" not in text  # the suppressed group is named nowhere with a figure


def test_a_program_without_outcome_data_says_how_to_add_it(client, viewer, submitted, tmp_path):
    report = get(client, viewer, "report_pdf", submitted)
    assert "has no outcome measures yet" in flat(pdf_text(report.content, tmp_path))
    poster = get(client, viewer, "poster_pdf", submitted)
    assert "Does race still predict" not in flat(pdf_text(poster.content, tmp_path))


def test_insight_and_evidence_results_link_the_equity_outcomes(client, viewer, submitted):
    page = get(client, viewer, "results", submitted).content.decode()
    link = reverse("outcomes:program_outcomes", args=[submitted.program_id])
    assert link in page and "no outcome measures yet" in page
    add_housing_measure(submitted.program)
    page = get(client, viewer, "results", submitted).content.decode()
    callout = page.split('id="outcomes-callout"')[1].split("</aside>")[0]
    assert "Stable housing at 12 months, 2026" in callout
    assert housing_headline(submitted.program) in callout and link in callout
    assert "Cramér" not in callout


def test_the_garbage_collector_pauses_while_a_document_is_laid_out_and_runs_again(monkeypatch):
    import gc

    from valuecurve import pdf as project_pdf

    seen = []
    render = project_pdf.HTML.render

    def watched(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return render(self, *args, **kwargs)

    monkeypatch.setattr(project_pdf.HTML, "render", watched)
    assert gc.isenabled()
    assert pdf.html_to_pdf("<p>Before</p>").startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

    def failing(self, *args, **kwargs):
        raise ValueError("a broken document")

    monkeypatch.setattr(project_pdf.HTML, "render", failing)
    with pytest.raises(ValueError):
        pdf.html_to_pdf("<p>Before</p>")
    assert gc.isenabled()
