"""The multi-step writes on assessments: each one function, atomic, keyword-only arguments."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring, signals
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Cycle,
    Dimension,
    DimensionScore,
    Framework,
    Indicator,
    Program,
    Respondent,
    RespondentAnswer,
)
from assessments.plans import plan_create
from assessments.respondents import draft_set_aside


class AssessmentError(Exception):
    """A write that was refused; the message is shown to the user."""


class StaleVersion(AssessmentError):
    """Someone saved an answer this page changes after the page loaded it.

    `changed` holds their answers (what they saved), `yours` what this page tried to save
    for the same indicators, by indicator id."""

    def __init__(
        self,
        current_version: int,
        changed: list[Answer | RespondentAnswer],
        yours: dict[int, "AnswerValues"] | None = None,
    ):
        super().__init__(
            _(
                "Someone saved an answer you changed after you opened the page. "
                "Nothing of yours was saved yet."
            )
        )
        self.current_version = current_version
        self.changed = changed
        self.yours = yours or {}

    @property
    def pairs(self) -> list[tuple[Answer | RespondentAnswer, "AnswerValues | None"]]:
        return [(answer, self.yours.get(answer.indicator_id)) for answer in self.changed]


@dataclass(frozen=True)
class AnswerValues:
    level: int | None
    evidence: str
    confidence: str
    note: str = ""  # the leader's reason, on a consensus answer


def answer_digest(values: AnswerValues) -> str:
    """A short fingerprint of an answer as a page showed it: a page posts it back, so a
    save can tell the answers the person changed from those they only had on screen."""
    text = json.dumps([values.level, values.evidence, values.confidence, values.note])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def answer_values(answer: Answer | RespondentAnswer | None) -> AnswerValues:
    if answer is None:
        return AnswerValues(level=None, evidence="", confidence="")
    note = getattr(answer, "consensus_note", "")
    return AnswerValues(answer.level, answer.evidence, answer.confidence, note)


# --- Reading -----------------------------------------------------------------------------------


def framework_dimensions(framework: Framework) -> list[Dimension]:
    """The framework's dimensions with their indicators and level descriptors (3 queries)."""
    return list(framework.dimensions.prefetch_related("indicators__descriptors").order_by("order"))


def scoring_inputs(dimensions: list[Dimension], answers: Mapping[int, Answer | RespondentAnswer]):
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
    assessment: Assessment,
    dimensions: list[Dimension],
    answers: Mapping[int, Answer | RespondentAnswer],
) -> scoring.Profile:
    structure, by_key = scoring_inputs(dimensions, answers)
    return scoring.score_profile(structure, by_key)


def previous_assessment(program: Program) -> Assessment | None:
    """The assessment of the program's newest cycle: the one a new cycle starts from."""
    return program.assessments.newest_cycle_first().first()


# --- Writing -----------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(
    *, program: Program, cycle: Cycle, framework: Framework, by, copy_from: Assessment | None = None
) -> Assessment:
    """Start a draft for a cycle, optionally pre-filled with an earlier cycle's answers.

    Answers are copied by indicator key, so a cycle can start from one on an older version,
    and marked "carried over" until someone confirms or changes them.
    """
    if cycle.organization_id != program.organization_id:
        raise AssessmentError(_("This cycle is another organization's."))
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
            carried_over=True,
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
    respondent: Respondent | None = None,
    seen: dict[int, int] | None = None,
) -> int:
    """Save the answers a page changed; return the new version of what was saved.

    Without `respondent` this saves the assessment's scored answers (one respondent, or
    the leader's consensus); with it, that respondent's own answers. Conflicts are per
    indicator: `seen` gives, by indicator id, the version the page had of each answer
    (`expected_version`, the page's, when it does not say). If anyone saved one of the
    answers this page changes since then, and differently, nothing is written and
    StaleVersion lists theirs and yours. People saving other indicators never conflict.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_draft(current)
    owner: Assessment | Respondent
    model: type[Answer] | type[RespondentAnswer]
    link: dict[str, Assessment | Respondent]
    if respondent is None:
        owner, model, link = current, Answer, {"assessment": current}
    else:
        owner = Respondent.objects.select_for_update().get(pk=respondent.pk)
        _check_respondent_can_answer(current, owner)
        model, link = RespondentAnswer, {"respondent": owner}
    existing = {
        a.indicator_id: a
        for a in model.objects.filter(**link, indicator__in=values).select_related(
            "indicator", "answered_by"
        )
    }
    seen = seen or {}
    if max([expected_version, *seen.values()]) > owner.version:
        raise AssessmentError(_("This page is not one this assessment showed. Reload the page."))
    conflicts = [
        answer
        for indicator, new in values.items()
        if (answer := existing.get(indicator.pk)) is not None
        and answer.changed_in_version > seen.get(indicator.pk, expected_version)
        and _differs(answer, new)
    ]
    if conflicts:
        yours = {a.indicator_id: values[a.indicator] for a in conflicts}
        raise StaleVersion(owner.version, conflicts, yours)
    changes = [(i, new) for i, new in values.items() if _differs(existing.get(i.pk), new)]
    if not changes:
        return owner.version
    new_version = owner.version + 1
    for indicator, new in changes:
        answer = existing.get(indicator.pk) or model(indicator=indicator, **link)
        _write_answer(answer, new, by=by, version=new_version)
    # The version is a counter for locking, not a change worth a history record.
    type(owner).objects.filter(pk=owner.pk).update(version=new_version)
    (respondent or assessment).version = new_version
    return new_version


def _write_answer(answer: Answer | RespondentAnswer, new: AnswerValues, *, by, version: int):
    answer.level, answer.evidence, answer.confidence = new.level, new.evidence, new.confidence
    if isinstance(answer, Answer):
        answer.consensus_note = new.note
        answer.carried_over = False
    answer.answered_by = by
    answer.changed_in_version = version
    answer._history_user = by
    answer.save()


def _differs(old: Answer | RespondentAnswer | None, new: AnswerValues) -> bool:
    if old is None:
        return new != AnswerValues(level=None, evidence="", confidence="")
    old_note = getattr(old, "consensus_note", "")
    return (old.level, old.evidence, old.confidence, old_note) != (
        new.level,
        new.evidence,
        new.confidence,
        new.note if isinstance(old, Answer) else "",
    )


@transaction.atomic
def answers_confirm(*, assessment: Assessment, indicators: list[Indicator], by) -> int:
    """Confirm carried-over answers as still true this cycle; return how many.

    Only the scored answers of a draft with one respondent are carried: with several
    respondents the draft's answers were set aside at the first assignment, and the
    consensus is new. Confirming changes no value, so the version stays (nobody's page
    goes stale); the confirmation is in the answers' history.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_draft(current)
    if current.respondents.exists():
        raise AssessmentError(
            _("Several people answer this assessment; there are no carried answers to confirm.")
        )
    carried = list(current.answers.carried_unconfirmed().filter(indicator__in=indicators))
    for answer in carried:
        answer.carried_over = False
        answer._history_user = by
        answer.save(update_fields=["carried_over", "updated_at"])
    return len(carried)


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
    current.status = Assessment.Status.SUBMITTED
    current.submitted_by, current.submitted_at = by, timezone.now()
    _save_recorded(current, by, ["status", "submitted_by", "submitted_at", "updated_at"])
    AssessmentEvent.objects.create(assessment=current, kind=AssessmentEvent.Kind.SUBMITTED, by=by)
    plan_create(assessment=current, profile=profile, by=by)
    assessment.status = Assessment.Status.SUBMITTED
    signals.scores_changed.send(sender=Assessment, assessment=current)
    return profile


def _save_recorded(obj, by, fields: list[str]) -> None:
    """Save with a history record that names who made the change."""
    obj._history_user = by
    obj.save(update_fields=fields)


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by, reason: str) -> None:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.is_draft:
        raise AssessmentError(_("This assessment is already a draft."))
    current.scores.all().delete()
    current.status, current.submitted_by, current.submitted_at = Assessment.Status.DRAFT, None, None
    current.version += 1
    fields = ["status", "submitted_by", "submitted_at", "version", "updated_at"]
    _save_recorded(current, by, fields)
    AssessmentEvent.objects.create(
        assessment=current, kind=AssessmentEvent.Kind.REOPENED, by=by, note=reason
    )
    assessment.status, assessment.version = Assessment.Status.DRAFT, current.version
    signals.scores_changed.send(sender=Assessment, assessment=current)


# --- Several respondents -----------------------------------------------------------------------


def _check_respondent_can_answer(assessment: Assessment, respondent: Respondent) -> None:
    if respondent.has_submitted:
        raise AssessmentError(_("You have submitted your answers; they can no longer change."))
    if not assessment.round_is_open:
        raise AssessmentError(_("The leader has closed this round of answers."))


@transaction.atomic
def respondents_assign(*, assessment: Assessment, users: list, by) -> list[Respondent]:
    """Ask members to answer on their own. Members already assigned are left as they are.

    The first assignment sets the draft's answers aside ("draft before assignment"): the
    consensus then starts from the respondents' answers, not from the earlier draft.
    """
    _check_draft(assessment)
    if not assessment.round_is_open:
        raise AssessmentError(_("The round is closed; no one else can be assigned."))
    taken = set(assessment.respondents.values_list("user_id", flat=True))
    set_aside = 0 if taken or not users else draft_set_aside(assessment=assessment, by=by)
    added = []
    for user in users:
        if user.pk not in taken:
            respondent = Respondent(assessment=assessment, user=user, assigned_by=by)
            respondent._history_user = by
            respondent.save()
            added.append(respondent)
    if added:
        names = ", ".join(r.user.get_full_name() or r.user.username for r in added)
        if set_aside:
            names += "; " + _("%d draft answers kept as “Draft before assignment”") % set_aside
        _event(assessment, AssessmentEvent.Kind.ASSIGNED, by, names)
    return added


@transaction.atomic
def respondent_submit(*, respondent: Respondent, expected_version: int, by) -> None:
    current = Respondent.objects.select_for_update().get(pk=respondent.pk)
    assessment = current.assessment
    _check_draft(assessment)
    _check_respondent_can_answer(assessment, current)
    if current.version != expected_version:
        raise AssessmentError(
            _("Your answers changed after you opened the review. Review them again, then submit.")
        )
    total = Indicator.objects.filter(dimension__framework=assessment.framework).count()
    answered = current.answers.filter(level__isnull=False).count()
    if answered < total:
        raise AssessmentError(
            _("%(count)d indicators are not answered yet. Answer them, then submit.")
            % {"count": total - answered}
        )
    current.submitted_at = timezone.now()
    _save_recorded(current, by, ["submitted_at"])
    _event(assessment, AssessmentEvent.Kind.RESPONDENT_SUBMITTED, by, "")
    respondent.submitted_at = current.submitted_at


@transaction.atomic
def round_close(*, assessment: Assessment, by) -> None:
    """End the round: whoever has not submitted can no longer answer, nobody blocks."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_draft(current)
    if current.round_closed_at is not None:
        raise AssessmentError(_("The round is already closed."))
    current.round_closed_at = timezone.now()
    _save_recorded(current, by, ["round_closed_at", "updated_at"])
    pending = current.respondents.filter(submitted_at__isnull=True).count()
    _event(current, AssessmentEvent.Kind.ROUND_CLOSED, by, _("%d had not submitted") % pending)
    assessment.round_closed_at = current.round_closed_at


def _event(assessment: Assessment, kind: str, by, note: str) -> None:
    AssessmentEvent.objects.create(assessment=assessment, kind=kind, by=by, note=note)


@dataclass(frozen=True)
class AnswerScope:
    """Whose answers a member sees and writes on the answer pages.

    One respondent (no one assigned): everyone who may answer writes the scored answers.
    Several respondents: each assigned member writes their own until they submit; everyone
    else reads the consensus answers, which the leader sets on the consensus pages.
    """

    team: bool
    respondent: Respondent | None
    answers: Mapping[int, Answer | RespondentAnswer]
    version: int
    writable: bool


def carried_count(answers: dict[int, Answer]) -> int:
    """How many of the scored answers are carried over and were never confirmed."""
    return sum(1 for answer in answers.values() if answer.carried_over)


def carried_indicators(scope: AnswerScope) -> set[int]:
    """Ids of the indicators whose scored answer is carried over and unconfirmed (none
    when a respondent sees their own answers: only scored answers are carried)."""
    if scope.respondent is not None and scope.team and scope.writable:
        return set()
    return {
        answer.indicator_id
        for answer in scope.answers.values()
        if getattr(answer, "carried_over", False)
    }


def answer_scope(assessment: Assessment, user, can_answer: bool) -> AnswerScope:
    respondents = list(assessment.respondents.all())
    mine = next((r for r in respondents if r.user_id == user.pk), None)
    if respondents and mine is not None and not mine.has_submitted and assessment.round_is_open:
        own = {a.indicator_id: a for a in mine.answers.select_related("answered_by")}
        return AnswerScope(True, mine, own, mine.version, assessment.is_draft)
    writable = can_answer and assessment.is_draft and not respondents
    return AnswerScope(
        bool(respondents), mine, answers_by_indicator(assessment), assessment.version, writable
    )
