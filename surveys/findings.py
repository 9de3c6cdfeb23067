""" "You said, we did": ties between what a survey found and the steps of the program's plan.

A leader ties a step to one of the survey's questions (not an open one: open answers never
leave the results page). The results page lists the ties; the poster shows the newest."""

from dataclasses import dataclass
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import PlanStep
from surveys import questions
from surveys.models import Finding, Survey
from surveys.results import survey_items
from surveys.services import refuse_if_archived

TIED_KINDS = (questions.SCALE5, questions.YES_NO, questions.NPS, questions.CHOICE)


def finding_questions(survey: Survey) -> list[tuple[str, str]]:
    """(key, text) of the questions a step can answer."""
    items = survey_items(survey.program_questions.order_by("position"))
    return [(item.key, item.text) for item in items if item.kind in TIED_KINDS]


def program_steps(survey: Survey) -> QuerySet[PlanStep]:
    return PlanStep.objects.filter(assessment__program_id=survey.program_id).order_by(
        "-assessment__cycle__starts_on", "dimension__order", "order"
    )


class FindingForm(forms.Form):
    question = forms.ChoiceField(label=_("What the survey found"))
    step = forms.ModelChoiceField(
        label=_("The step of the plan that answers it"),
        queryset=PlanStep.objects.none(),
        error_messages={"invalid_choice": _("Choose a step of this program's plan.")},
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["question"]).choices = finding_questions(survey)
        cast(forms.ModelChoiceField, self.fields["step"]).queryset = program_steps(survey)


def finding_add(*, survey: Survey, question: str, step: PlanStep, by) -> Finding:
    refuse_if_archived(survey.program)
    finding, _created = Finding.objects.get_or_create(
        survey=survey, question=question, step=step, defaults={"created_by": by}
    )
    return finding


@dataclass(frozen=True)
class Tie:
    finding: Finding
    question: str  # the question's text
    step: str  # the step's title


def survey_ties(survey: Survey) -> list[Tie]:
    texts = dict(finding_questions(survey))
    findings = survey.findings.select_related("step").order_by("question", "created_at")
    return [Tie(f, texts.get(f.question, f.question), f.step.title) for f in findings]


def program_ties(program, limit: int) -> list[Tie]:
    """The newest ties of the program's surveys, for the poster."""
    findings = (
        Finding.objects.filter(survey__program=program)
        .select_related("step", "survey")
        .order_by("-created_at")[:limit]
    )
    ties = []
    for finding in findings:
        texts = dict(finding_questions(finding.survey))
        ties.append(Tie(finding, texts.get(finding.question, finding.question), finding.step.title))
    return ties
