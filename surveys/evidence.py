"""Surveys as evidence elsewhere in the product: the framework indicators on the voice of the
people served, the assessment's results page, the report and the poster. Only protected
aggregates leave the surveys app (surveys.results); never open text."""

from dataclasses import dataclass

from surveys.models import Survey
from surveys.results import NetScore, survey_results

# The indicators of fixtures/frameworks/value-curve-equity-v1.yaml that a survey of the
# people served is evidence for: feedback gathered and analysed by race (Insight & Evidence),
# and services improved with the people served (Services & Solutions).
VOICE_INDICATORS = ("ins-voice-of-people-served", "svc-co-design")


@dataclass(frozen=True)
class SurveySummary:
    survey: Survey
    respondents: int | None  # None: too few to show
    headline: str
    net_score: NetScore | None


def program_surveys(program) -> list[SurveySummary]:
    """The program's surveys with responses, newest first: respondents, the gap headline and
    the net recommendation score of all respondents, as the results page shows them."""
    summaries = []
    for survey in Survey.objects.filter(program=program).order_by("-opens_on"):
        outcome = survey_results(survey)
        if outcome.total_respondents == 0:
            continue
        scores = [q.net_scores[-1][1] for q in outcome.questions if q.net_scores]
        summaries.append(
            SurveySummary(
                survey=survey,
                respondents=outcome.total_respondents,
                headline="" if outcome.dark else outcome.headline,
                net_score=scores[0] if scores else None,
            )
        )
    return summaries
