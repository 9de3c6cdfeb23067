"""The framework and the action steps in Spanish on the pages and in the documents, and in
English where the translation has no text."""

import shutil
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments import levels
from assessments.framework_translations import (
    Translation,
    action_step_translation_store,
    framework_translation_store,
    parse_framework_translation,
)
from assessments.models import Indicator
from assessments.services import assessment_submit
from cohorts import data as cohort_data
from cohorts.sharing import Scope
from reports import documents
from tests.assessments.test_framework_translations import SPANISH
from tests.conftest import answer_all
from tests.reports.test_documents import flat, pdf_text

GOVERNANCE_ES = "Gobernanza y estructuras"
STATEMENT_ES = "El programa opera bajo un compromiso escrito de equidad racial."
GUIDANCE_ES = "Una declaración de compromiso con fecha."
REGULATIVE_ES = "Existe un compromiso escrito a nivel de la agencia."
TITLE_ES = "Autoevaluación de equidad de la Curva de Valor"


def step_title_es(step) -> str:
    return f"Paso en español {step.key}"


@pytest.fixture
def spanish(framework, action_steps):
    """A partial Spanish framework, and every library step's title in Spanish."""
    framework_translation_store(framework, parse_framework_translation(SPANISH, framework))
    steps = Translation("es", {step: {"title": step_title_es(step)} for step in action_steps})
    action_step_translation_store(framework, steps)
    return framework


@pytest.fixture
def submitted_in_spanish(spanish, draft, leader):
    """Submitted by a leader working in Spanish: the plan's library steps are in Spanish."""
    answer_all(draft, levels.COLLABORATIVE)
    with translation.override("es"):
        assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    draft.refresh_from_db()
    return draft


def get_in(client, user, language: str, url: str):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def other_statement(framework) -> str:
    return Indicator.objects.get(dimension__framework=framework, key="gov-policy-review").statement


# --- Pages -------------------------------------------------------------------------------------


def test_the_answering_page_shows_the_spanish_framework_and_english_where_it_has_none(
    client, leader, spanish, draft
):
    url = reverse("assessments:dimension", args=[draft.pk, "governance"])
    page = get_in(client, leader, "es", url).content.decode()
    for text in (GOVERNANCE_ES, STATEMENT_ES, GUIDANCE_ES, REGULATIVE_ES):
        assert text in page
    assert other_statement(spanish) in page  # not translated: the source text
    english = get_in(client, leader, "en", url).content.decode()
    assert GOVERNANCE_ES not in english and STATEMENT_ES not in english
    assert "Governance &amp; Structures" in english


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("reports:results", (GOVERNANCE_ES, STATEMENT_ES)),
        ("assessments:plan", (GOVERNANCE_ES,)),
        ("reports:report", (GOVERNANCE_ES, STATEMENT_ES, TITLE_ES)),
        ("reports:poster", (GOVERNANCE_ES,)),
    ],
)
def test_the_results_plan_and_printable_pages_show_the_spanish_framework(
    client, leader, submitted_in_spanish, name, texts
):
    url = reverse(name, args=[submitted_in_spanish.pk])
    # Printable documents are in the language chosen for them (the organization's by default).
    if name in ("reports:report", "reports:poster"):
        url += "?lang=es"
    page = get_in(client, leader, "es", url)
    assert page.status_code == 200
    content = page.content.decode()
    for text in texts:
        assert text in content, text


def test_a_plan_made_in_spanish_holds_the_spanish_library_titles(submitted_in_spanish):
    steps = list(submitted_in_spanish.plan_steps.select_related("action_step"))
    assert steps and all(s.title == step_title_es(s.action_step) for s in steps)


def test_a_library_step_added_in_spanish_comes_with_its_spanish_text(
    client, leader, submitted_in_spanish, action_steps
):
    url = reverse("assessments:plan_step_add", args=[submitted_in_spanish.pk, "governance"])
    library = action_steps.filter(dimension__key="governance", from_level=3).first()
    plan = get_in(client, leader, "es", reverse("assessments:plan", args=[submitted_in_spanish.pk]))
    assert step_title_es(library) in plan.content.decode()  # the library list
    with translation.override("es"):
        client.post(
            url,
            {"governance-library_step": library.pk, "governance-status": "not_started"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    added = submitted_in_spanish.plan_steps.get(action_step=library)
    assert added.title == step_title_es(library)
    assert added.description == library.description  # no Spanish description: the source


def test_the_answer_history_names_the_indicator_in_the_active_language(
    client, leader, spanish, draft
):
    answer_all(draft, levels.COLLABORATIVE)
    page = get_in(client, leader, "es", reverse("assessments:history", args=[draft.pk]))
    assert STATEMENT_ES in page.content.decode()


# --- Documents ---------------------------------------------------------------------------------

pdf_tools = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test installs it)"
)


@pdf_tools
def test_the_report_pdf_in_spanish_shows_the_spanish_framework_and_steps(
    submitted_in_spanish, tmp_path
):
    with translation.override("es"):
        content = documents.report_pdf(submitted_in_spanish, spread={}, today=date(2026, 6, 1))
    text = flat(pdf_text(content, tmp_path))
    assert GOVERNANCE_ES in text and STATEMENT_ES in text
    # Table cells wrap: the title's first words stand together in the text.
    assert "Paso en español" in text
    assert other_statement(submitted_in_spanish.framework).split()[0] in text


@pdf_tools
def test_the_poster_pdf_in_spanish_names_the_dimensions_in_spanish(submitted_in_spanish, tmp_path):
    size = documents.poster_sizes()["tabloid"]
    with translation.override("es"):
        content = documents.poster_pdf(
            submitted_in_spanish, size=size, today=date(2026, 6, 1), disparity=False
        )
    with translation.override("en"):
        english = documents.poster_pdf(
            submitted_in_spanish, size=size, today=date(2026, 6, 1), disparity=False
        )
    assert GOVERNANCE_ES in flat(pdf_text(content, tmp_path))
    assert GOVERNANCE_ES not in flat(pdf_text(english, tmp_path))


def test_the_chart_labels_name_the_dimensions_in_the_active_language(submitted_in_spanish):
    data = documents.scored(submitted_in_spanish)
    with translation.override("es"):
        spanish_names = [m.name for m in documents.curve_markers(data)]
    with translation.override("en"):
        english_names = [m.name for m in documents.curve_markers(data)]
    assert spanish_names[0] == GOVERNANCE_ES and english_names[0] == "Governance & Structures"
    assert spanish_names[1:] == english_names[1:]  # no Spanish name for the others


# --- Cohorts -----------------------------------------------------------------------------------


def test_cohort_tables_name_the_dimensions_in_the_active_language(spanish):
    with translation.override("es"):
        names = cohort_data.framework_shapes([spanish.pk])[spanish.pk].names
    assert names["governance"] == GOVERNANCE_ES and names["insight"] == "Insight & Evidence"


def test_cohort_caches_are_kept_apart_per_language(db):
    from cohorts.models import Cohort

    scope = Scope(Cohort.objects.create(name="Bay Area"), verified=False)
    with translation.override("es"):
        spanish_key = scope.cache_key("frame", "2026")
    with translation.override("en"):
        english_key = scope.cache_key("frame", "2026")
    assert spanish_key != english_key
