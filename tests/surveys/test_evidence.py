"""Surveys as evidence: the voice indicators on the assessment's results page, the report's
panel; aggregates only, never open text."""

from django.urls import reverse

from assessments.models import Indicator
from surveys.evidence import VOICE_INDICATORS
from tests.surveys.factories import stored_survey

SECRET = "The nurse Ana on Fridays"


def test_the_voice_indicators_exist_in_the_framework(draft):
    keys = set(
        Indicator.objects.filter(dimension__framework=draft.framework).values_list("key", flat=True)
    )
    assert set(VOICE_INDICATORS) <= keys


def test_the_results_page_links_the_survey_as_evidence_of_the_voice_indicators(
    client, viewer, draft
):
    survey = stored_survey(draft.program, {"white": (60, 40), "black": (50, 20)}, texts=(SECRET,))
    client.force_login(viewer)
    page = client.get(reverse("reports:results", args=[draft.pk])).content.decode()
    link = reverse("survey_results:results", args=[survey.pk])
    assert page.count(f'href="{link}"') == len(VOICE_INDICATORS)
    assert "110 responses" in page and SECRET not in page


def test_without_a_survey_no_indicator_shows_survey_evidence(client, viewer, draft):
    client.force_login(viewer)
    page = client.get(reverse("reports:results", args=[draft.pk])).content.decode()
    assert "survey-evidence" not in page


def test_the_report_has_a_survey_panel_with_aggregates_only(client, viewer, draft):
    stored_survey(draft.program, {"white": (60, 40), "black": (50, 20)}, texts=(SECRET,))
    client.force_login(viewer)
    page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert 'id="survey-panel"' in page and "Voice 2026" in page
    assert "110 responses" in page and "Net recommendation score" in page
    assert SECRET not in page
