"""The multi-step writes on assessments: each one function, atomic, keyword-only arguments."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Dimension,
    DimensionScore,
    Framework,
    Indicator,
    Program,
)


class AssessmentError(Exception):
    """A write that was refused; the message is shown to the user."""


class StaleVersion(AssessmentError):
    def __init__(self, current_version: int, changed: list[Answer]):
        super().__init__(
            _(
                "Someone saved this assessment after you opened the page. "
                "Nothing of yours was saved yet."
            )
        )
        self.current_version = current_version
        self.changed = changed


@dataclass(frozen=True)
class AnswerValues:
    level: int | None
    evidence: str
    confidence: str


# --- Reading -----------------------------------------------------------------------------------


def framework_dimensions(framework: Framework) -> list[Dimension]:
    """The framework's dimensions with their indicators and level descriptors (3 queries)."""
    return list(framework.dimensions.prefetch_related("indicators__descriptors").order_by("order"))


def scoring_inputs(dimensions: list[Dimension], answers: dict[int, Answer]):
    structure = {d.key: [i.key for i in d.indicators.all()] for d in dimensions}
    by_key = {
        indicator.key: scoring.AnswerInput(level=answer.level, evidence=answer.evidence)
        for d in dimensions
        for indicator in d.indicators.all()
        if (answer := answers.get(indicator.pk)) is not None
    }
    return structure, by_key


def answers_by_indicator(assessment: Assessment) -> dict[int, Answer]:
    return {a.indicator_id: a for a in assessment.answers.select_related("answered_by")}


def assessment_profile(
    assessment: Assessment, dimensions: list[Dimension], answers: dict[int, Answer]
) -> scoring.Profile:
    structure, by_key = scoring_inputs(dimensions, answers)
    return scoring.score_profile(structure, by_key)


def previous_assessment(program: Program) -> Assessment | None:
    return program.assessments.order_by("-created_at").first()


# --- Writing -----------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(
    *, program: Program, cycle: str, framework: Framework, by, copy_from: Assessment | None = None
) -> Assessment:
    """Start a draft for a cycle, optionally pre-filled with an earlier cycle's answers.

    Answers are copied by indicator key, so a cycle can start from one on an older version.
    """
    if program.assessments.filter(cycle=cycle).exists():
        raise AssessmentError(_("This program already has an assessment for cycle “%s”.") % cycle)
    assessment = Assessment.objects.create(
        program=program, framework=framework, cycle=cycle, created_by=by, based_on=copy_from
    )
    if copy_from is not None:
        _copy_answers(source=copy_from, target=assessment, by=by)
    AssessmentEvent.objects.create(assessment=assessment, kind=AssessmentEvent.Kind.STARTED, by=by)
    return assessment


def _copy_answers(*, source: Assessment, target: Assessment, by) -> None:
    indicators = {i.key: i for i in Indicator.objects.filter(dimension__framework=target.framework)}
    Answer.objects.bulk_create(
        Answer(
            assessment=target,
            indicator=indicators[old.indicator.key],
            level=old.level,
            evidence=old.evidence,
            confidence=old.confidence,
            answered_by=by,
        )
        for old in source.answers.select_related("indicator")
        if old.indicator.key in indicators
    )


def _check_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentError(
            _("This assessment has been submitted and is read-only. A leader can reopen it.")
        )


@transaction.atomic
def answers_save(
    *,
    assessment: Assessment,
    values: dict[Indicator, AnswerValues],
    expected_version: int,
    by,
) -> int:
    """Save the changed answers of one page; return the assessment's new version.

    The page carries the version it was loaded at. If anyone saved since, nothing is
    written and StaleVersion lists the answers that changed in between.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_draft(current)
    if current.version != expected_version:
        changed = list(
            current.answers.filter(changed_in_version__gt=expected_version).select_related(
                "indicator", "answered_by"
            )
        )
        raise StaleVersion(current.version, changed)
    existing = {a.indicator_id: a for a in current.answers.filter(indicator__in=values)}
    changes = [
        (indicator, new)
        for indicator, new in values.items()
        if _differs(existing.get(indicator.pk), new)
    ]
    if not changes:
        return current.version
    new_version = current.version + 1
    for indicator, new in changes:
        Answer.objects.update_or_create(
            assessment=current,
            indicator=indicator,
            defaults={
                "level": new.level,
                "evidence": new.evidence,
                "confidence": new.confidence,
                "answered_by": by,
                "changed_in_version": new_version,
            },
        )
    Assessment.objects.filter(pk=current.pk).update(version=new_version, updated_at=timezone.now())
    assessment.version = new_version
    return new_version


def _differs(old: Answer | None, new: AnswerValues) -> bool:
    if old is None:
        return new != AnswerValues(level=None, evidence="", confidence="")
    return (old.level, old.evidence, old.confidence) != (new.level, new.evidence, new.confidence)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, expected_version: int, by) -> scoring.Profile:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_draft(current)
    if current.version != expected_version:
        raise AssessmentError(
            _("The answers changed after you opened the review. Review them again, then submit.")
        )
    dimensions = framework_dimensions(current.framework)
    answers = answers_by_indicator(current)
    profile = assessment_profile(current, dimensions, answers)
    missing = sum(len(d.unanswered) for d in profile.dimensions.values())
    if missing:
        raise AssessmentError(
            _("%(count)d indicators are not answered yet. Answer them, then submit.")
            % {"count": missing}
        )
    DimensionScore.objects.bulk_create(
        DimensionScore(
            assessment=current,
            dimension=d,
            level=profile.dimensions[d.key].level,
            index=profile.dimensions[d.key].index,
        )
        for d in dimensions
    )
    now = timezone.now()
    Assessment.objects.filter(pk=current.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_by=by, submitted_at=now, updated_at=now
    )
    AssessmentEvent.objects.create(assessment=current, kind=AssessmentEvent.Kind.SUBMITTED, by=by)
    assessment.status = Assessment.Status.SUBMITTED
    return profile


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by, reason: str) -> None:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.is_draft:
        raise AssessmentError(_("This assessment is already a draft."))
    current.scores.all().delete()
    Assessment.objects.filter(pk=current.pk).update(
        status=Assessment.Status.DRAFT,
        submitted_by=None,
        submitted_at=None,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    AssessmentEvent.objects.create(
        assessment=current, kind=AssessmentEvent.Kind.REOPENED, by=by, note=reason
    )
    assessment.status = Assessment.Status.DRAFT
