"""Writes of the survey app: each one function, atomic."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from surveys import questions, results
from surveys.models import Answer, OneTimeCode, ProgramQuestion, Response, Survey, code_hash

# No 0/O, 1/I/L: codes are read off a card and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class SurveyRefused(Exception):
    """The write cannot be done; the message says why, in the active language."""


@dataclass(frozen=True)
class ResponseValues:
    answers: dict  # question key -> int or str
    race: list
    age_band: str
    preferred_language: str
    language: str


def refuse_if_archived(program) -> None:
    """The one rule for writes on an archived program's surveys: none (making a survey,
    editing it, its questions and codes, answers on the web or on paper, ties to the plan).
    Restoring the program allows them again."""
    if program.is_archived:
        raise SurveyRefused(
            _("This program is archived: its surveys cannot change. Restore the program first.")
        )


def survey_is_locked(survey: Survey) -> bool:
    """A survey's questions are fixed once anyone answered it: answers refer to them."""
    return survey.responses.exists()


def survey_save(*, survey: Survey, by) -> Survey:
    refuse_if_archived(survey.program)
    if survey._state.adding:
        survey.created_by = by
    survey.full_clean(exclude=["program", "created_by", "token"])
    survey.results_version += 1  # its dates decide which survey is a program's latest
    survey.save()
    return survey


def _lock_results(survey_id) -> int:
    """Move the survey's results version on, as the transaction's first write: it locks the
    survey's row (on SQLite, the database) until the transaction ends, so answers to one
    survey are remembered one at a time. Returns 0 when the survey is gone."""
    return Survey.objects.filter(pk=survey_id).update(results_version=F("results_version") + 1)


def results_remember(*, survey_id) -> None:
    """Store with the survey what of its counts stays hidden from now on (surveys.results
    `protected`, `kept_of`), after any change of its answers. Call it in the transaction that
    changed them, after `_lock_results`."""
    survey = Survey.objects.get(pk=survey_id)
    _items, flagged = results.survey_counts(survey)
    Survey.objects.filter(pk=survey_id).update(kept_hidden=results.kept_of(flagged))


@transaction.atomic
def program_question_add(*, survey: Survey, kind: str, text: str, choices: list) -> ProgramQuestion:
    survey = Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)
    refuse_if_archived(survey.program)
    if survey_is_locked(survey):
        raise SurveyRefused(_("This survey has answers already: its questions cannot change."))
    if survey.program_questions.count() >= questions.MAX_PROGRAM_QUESTIONS:
        raise SurveyRefused(
            _("A survey has at most %(most)s questions of its own.")
            % {"most": questions.MAX_PROGRAM_QUESTIONS}
        )
    last = survey.program_questions.aggregate(last=Max("position"))["last"] or 0
    return ProgramQuestion.objects.create(
        survey=survey, position=last + 1, kind=kind, text=text, choices=choices
    )


@transaction.atomic
def program_question_remove(*, question: ProgramQuestion) -> None:
    survey = Survey.objects.select_for_update().select_related("program").get(pk=question.survey_id)
    refuse_if_archived(survey.program)
    if survey_is_locked(survey):
        raise SurveyRefused(_("This survey has answers already: its questions cannot change."))
    question.delete()


def codes_generate(*, survey: Survey, count: int) -> list[str]:
    """New one-time codes, returned once in clear and stored only hashed."""
    refuse_if_archived(survey.program)
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)))
    rows = [OneTimeCode(survey=survey, code_hash=code_hash(survey.pk, c)) for c in codes]
    OneTimeCode.objects.bulk_create(rows, ignore_conflicts=True)
    return sorted(f"{c[:4]}-{c[4:]}" for c in codes)


def _use_code(survey: Survey, code: str) -> None:
    hashed = code_hash(survey.pk, code.replace("-", ""))
    used = OneTimeCode.objects.filter(survey=survey, code_hash=hashed, used=False).update(used=True)
    if used != 1:
        raise SurveyRefused(
            _("This code is not valid or was used already. Check it, or ask staff for a new one.")
        )


@transaction.atomic
def response_submit(
    *, survey: Survey, values: ResponseValues, today, source: str = Response.Source.WEB, code=None
) -> Response:
    """Store one response whole, or nothing: the code is used in the same transaction, and
    what the results keep hidden is stored with it (answers to one survey one at a time)."""
    refuse_if_archived(survey.program)
    _lock_results(survey.pk)
    if source == Response.Source.WEB and not survey.is_open(today):
        raise SurveyRefused(_("This survey is not open for answers today."))
    if survey.codes_required and source == Response.Source.WEB:
        _use_code(survey, code or "")
    response = Response.objects.create(
        survey=survey,
        submitted_on=today,
        language=values.language,
        source=source,
        race=values.race,
        age_band=values.age_band,
        preferred_language=values.preferred_language,
    )
    Answer.objects.bulk_create(_answer_rows(response, values.answers))
    results_remember(survey_id=survey.pk)
    return response


def response_deleted(sender, instance: Response, **kwargs) -> None:
    """A response removed (a paper form entered twice, in the admin): what the results
    showed before stays hidden, as after an answer."""
    transaction.on_commit(lambda: _remember_locked(instance.survey_id))


@transaction.atomic
def _remember_locked(survey_id) -> None:
    if _lock_results(survey_id):  # else deleted with its responses
        results_remember(survey_id=survey_id)


def _answer_rows(response: Response, answers: dict) -> list[Answer]:
    rows = []
    for key, value in answers.items():
        if isinstance(value, int):
            rows.append(Answer(response=response, question=key, number=value))
        else:
            rows.append(Answer(response=response, question=key, text=value))
    return rows
