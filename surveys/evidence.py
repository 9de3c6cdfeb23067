"""Surveys as evidence elsewhere in the product: the framework indicators on the voice of the
people served, the assessment's results page, the report and the poster. Only protected
aggregates leave the surveys app (surveys.results); never open text."""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys import findings, questions, results
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


# The figures a cohort may see of a member's survey (with its consent): all respondents'
# totals of the core statements and of the recommendation, never a group's, never open text.
COHORT_MEASURES = tuple(
    f"{q.key}:{results.AGREE}" for q in questions.CORE_QUESTIONS if q.kind == questions.SCALE5
) + (f"recommend:{results.PROMOTERS}", f"recommend:{results.DETRACTORS}")


def surveys_totals(surveys) -> list[dict[str, tuple[int, int]]]:
    """Per survey, per cohort measure, (respondents answering, events) of all respondents;
    empty when the survey shows no total (too few answered, or not published yet). Three
    queries for all of them."""
    counted = results.surveys_counts(surveys)
    return [_totals(counted[survey.pk][1]) for survey in surveys]


def _totals(flagged) -> dict[str, tuple[int, int]]:
    totals = {}
    for measure in COHORT_MEASURES:
        rows = flagged[flagged["measure"] == measure]
        if rows.empty or rows["total_hidden"].any():
            continue
        totals[measure] = (int(rows["population"].sum()), int(rows["events"].sum()))
    return totals


def latest_surveys(program_ids) -> list[Survey]:
    """The latest survey (by opening day) with responses of each of these programs."""
    latest: dict[uuid.UUID, Survey] = {}
    surveys = Survey.objects.filter(program_id__in=list(program_ids), responses__isnull=False)
    for survey in surveys.distinct().order_by("program_id", "-opens_on"):
        latest.setdefault(survey.program_id, survey)
    return list(latest.values())


POSTER_TIES = 2  # "you said, we did" lines on a poster


def poster_lines(program) -> list[tuple[str, str]]:
    """(name, line) pairs for the poster's panel: the latest survey's responses and gap, and
    the newest "you said, we did" ties. Aggregates only."""
    summaries = program_surveys(program)
    if not summaries:
        return []
    latest = summaries[0]
    if latest.respondents is None:
        line = _("Too few responses to show any figure.")
    else:
        line = ngettext("%(n)d response.", "%(n)d responses.", latest.respondents) % {
            "n": latest.respondents
        }
        if latest.headline:
            line += " " + latest.headline
    lines = [(_("Survey of the people served: %(title)s") % {"title": latest.survey.title}, line)]
    for tie in findings.program_ties(program, POSTER_TIES):
        lines.append((_("You said, we did"), f"{tie.question} → {tie.step}"))
    return lines
