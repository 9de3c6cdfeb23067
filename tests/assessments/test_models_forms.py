"""Small units: the answer and start forms, the answer constraint, saving answers, cycle rows."""

import copy
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from assessments import levels
from assessments.forms import MAX_EVIDENCE, IndicatorAnswerForm, StartAssessmentForm
from assessments.framework_io import framework_copy, parse_framework
from assessments.models import (
    Answer,
    Assessment,
    DimensionScore,
    Framework,
    Indicator,
)
from assessments.progress import cycle_rows
from assessments.services import (
    AnswerValues,
    AssessmentError,
    StaleVersion,
    answers_save,
    assessment_start,
    assessment_submit,
)
from tests.conftest import FRAMEWORK_FILE
from tests.cycles import cycle_of

_PARSED = parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def framework_data() -> dict:
    return copy.deepcopy(_PARSED)


# --- IndicatorAnswerForm (no database) ---------------------------------------------------------

INDICATOR = SimpleNamespace(key="gov-equity-commitment")


def answer_form(level="", evidence="", confidence="") -> IndicatorAnswerForm:
    prefix = f"i-{INDICATOR.key}"
    data = {
        f"{prefix}-level": level,
        f"{prefix}-evidence": evidence,
        f"{prefix}-confidence": confidence,
    }
    return IndicatorAnswerForm(data, indicator=INDICATOR)


@pytest.mark.parametrize("level", [-1, 0, 1, 2, 3, 4])
def test_the_answer_form_accepts_every_level_and_dont_know(level):
    form = answer_form(level=str(level), evidence="Minutes", confidence="high")
    assert form.is_valid(), form.errors
    assert form.values() == AnswerValues(level=level, evidence="Minutes", confidence="high")


def test_a_blank_level_means_not_answered():
    form = answer_form()
    assert form.is_valid(), form.errors
    assert form.values() == AnswerValues(level=None, evidence="", confidence="")


@pytest.mark.parametrize("level", ["5", "abc", "-2", "1.5", "7"])
def test_the_answer_form_rejects_levels_outside_the_scale(level):
    form = answer_form(level=level)
    assert not form.is_valid()
    assert list(form.errors) == ["level"]


def test_evidence_up_to_the_limit_is_accepted_and_over_it_rejected():
    assert answer_form(level="3", evidence="x" * MAX_EVIDENCE).is_valid()
    form = answer_form(level="3", evidence="x" * (MAX_EVIDENCE + 1))
    assert not form.is_valid()
    assert list(form.errors) == ["evidence"]
    assert MAX_EVIDENCE == 5000


def test_evidence_is_stripped():
    form = answer_form(level="3", evidence="  Board minutes \n")
    assert form.is_valid()
    assert form.values().evidence == "Board minutes"


def test_an_unknown_confidence_is_rejected():
    form = answer_form(level="2", confidence="certain")
    assert not form.is_valid()
    assert list(form.errors) == ["confidence"]


def test_the_answer_form_fields_carry_the_indicator_key_as_prefix():
    form = answer_form()
    assert form["level"].html_name == "i-gov-equity-commitment-level"


# --- StartAssessmentForm -----------------------------------------------------------------------


TODAY = date(2026, 6, 1)


def start_form(program, cycle: str, framework) -> StartAssessmentForm:
    """The start form naming a new calendar-year cycle."""
    data = {
        "new_name": cycle,
        "new_starts_on": "2027-01-01",
        "new_ends_on": "2027-12-31",
        "framework": framework.pk,
    }
    return StartAssessmentForm(data, program=program, today=TODAY)


def test_the_start_form_refuses_a_new_cycle_named_like_one_the_organization_has(draft):
    form = start_form(draft.program, "2026", draft.framework)
    assert not form.is_valid()
    assert "Your organization has this cycle already" in form.errors["new_name"][0]


def test_the_start_form_compares_the_cycle_after_trimming_spaces(draft):
    assert not start_form(draft.program, "  2026 ", draft.framework).is_valid()


def test_the_start_form_refuses_a_cycle_the_program_has_an_assessment_in(draft):
    data = {"cycle": draft.cycle_id, "framework": draft.framework.pk}
    form = StartAssessmentForm(data, program=draft.program, today=TODAY)
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["cycle"][0]


def test_the_start_form_offers_the_current_free_cycle_first(program, framework):
    later = cycle_of(program, "2027")
    current = cycle_of(program, "2026")
    form = StartAssessmentForm(program=program, today=TODAY)
    assert form.fields["cycle"].initial == current
    assert [value for value, _ in form.fields["cycle"].choices][1:] == [later.pk, current.pk]
    chosen = StartAssessmentForm(
        {"cycle": later.pk, "framework": framework.pk}, program=program, today=TODAY
    )
    assert chosen.is_valid() and chosen.chosen_cycle() == later


def test_the_start_form_offers_this_year_to_an_organization_without_cycles(program):
    form = StartAssessmentForm(program=program, today=TODAY)
    assert form.fields["cycle"].initial is None
    assert form.fields["new_name"].initial == "2026"
    assert form.fields["new_starts_on"].initial == date(2026, 1, 1)
    assert form.fields["new_ends_on"].initial == date(2026, 12, 31)


def test_the_start_form_refuses_a_new_cycle_without_dates_or_ending_before_it_starts(
    program, framework
):
    data = {"new_name": "2027", "framework": framework.pk}
    form = StartAssessmentForm(data, program=program, today=TODAY)
    assert "A new cycle needs its dates." in form.errors["new_starts_on"]
    backwards = {**data, "new_starts_on": "2027-12-31", "new_ends_on": "2027-01-01"}
    form = StartAssessmentForm(backwards, program=program, today=TODAY)
    assert "A cycle cannot end before it starts." in form.errors["new_ends_on"]
    nothing = StartAssessmentForm({"framework": framework.pk}, program=program, today=TODAY)
    assert "Choose a cycle, or name a new one." in nothing.errors["new_name"]


@pytest.mark.parametrize("cycle", ["2026<script>", "2026;drop", "FY'26", "a\\b", "2026?", "#1"])
def test_the_start_form_refuses_odd_characters_in_the_cycle(program, framework, cycle):
    form = start_form(program, cycle, framework)
    assert not form.is_valid()
    assert "Use letters, digits" in form.errors["new_name"][0]


@pytest.mark.parametrize("cycle", ["2027", "FY 2027/28", "2027-Q1", "v1.2", "Año 2027"])
def test_the_start_form_accepts_ordinary_cycle_names(program, framework, cycle):
    form = start_form(program, cycle, framework)
    assert form.is_valid(), form.errors
    assert form.chosen_cycle().name == cycle


def test_the_start_form_refuses_a_blank_or_too_long_cycle(program, framework):
    assert "new_name" in start_form(program, "   ", framework).errors
    assert "new_name" in start_form(program, "x" * 41, framework).errors


def test_the_start_form_hides_copy_previous_when_there_is_no_previous_assessment(
    program, framework
):
    assert "copy_previous" not in StartAssessmentForm(program=program, today=TODAY).fields


def test_the_start_form_offers_copy_previous_once_there_is_an_assessment(draft):
    form = StartAssessmentForm(program=draft.program, today=TODAY)
    assert "copy_previous" in form.fields
    assert form.fields["copy_previous"].initial is True


def test_the_start_form_lists_the_latest_framework_version_first(program, framework):
    copy_ = framework_copy(framework)
    form = StartAssessmentForm(program=program, today=TODAY)
    assert list(form.fields["framework"].queryset) == [copy_, framework]


# --- The Answer check constraint ---------------------------------------------------------------


@pytest.fixture
def indicator(framework) -> Indicator:
    return Indicator.objects.filter(dimension__framework=framework).first()


@pytest.mark.parametrize("level", [7, 5, -2])
def test_the_database_refuses_an_answer_level_outside_the_scale(draft, indicator, level):
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=draft, indicator=indicator, level=level)
    assert not Answer.objects.exists()


def test_the_database_refuses_an_update_to_level_7(draft, indicator):
    answer = Answer.objects.create(assessment=draft, indicator=indicator, level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(level=7)
    answer.refresh_from_db()
    assert answer.level == 2


@pytest.mark.parametrize("level", [None, levels.DONT_KNOW, levels.NOT_YET, levels.GENERATIVE])
def test_the_database_accepts_the_answer_levels_of_the_scale(draft, indicator, level):
    Answer.objects.create(assessment=draft, indicator=indicator, level=level)
    assert Answer.objects.get().level == level


def test_the_database_keeps_one_answer_per_indicator(draft, indicator):
    Answer.objects.create(assessment=draft, indicator=indicator, level=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=draft, indicator=indicator, level=2)


# --- answers_save ------------------------------------------------------------------------------

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def governance(draft) -> list[Indicator]:
    return list(
        Indicator.objects.filter(dimension__framework=draft.framework, dimension__key="governance")
    )


def values_for(indicators, level: int = levels.COLLABORATIVE, evidence: str = "Memo"):
    return {
        i: AnswerValues(level=level, evidence=evidence, confidence="medium") for i in indicators
    }


def test_saving_answers_writes_them_and_bumps_the_version(draft, governance, leader):
    version = answers_save(
        assessment=draft, values=values_for(governance), expected_version=1, by=leader
    )
    assert version == draft.version == 2
    assert Assessment.objects.get(pk=draft.pk).version == 2
    answers = Answer.objects.filter(assessment=draft)
    assert answers.count() == len(governance) == 6
    assert set(answers.values_list("level", "evidence", "changed_in_version", "answered_by")) == {
        (levels.COLLABORATIVE, "Memo", 2, leader.pk)
    }


def test_saving_unchanged_answers_writes_nothing_and_keeps_the_version(
    draft, governance, leader, contributor
):
    answers_save(assessment=draft, values=values_for(governance), expected_version=1, by=leader)
    stamps = dict(Answer.objects.values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as context:
        version = answers_save(
            assessment=draft, values=values_for(governance), expected_version=2, by=contributor
        )
    writes = [q["sql"] for q in context.captured_queries if q["sql"].startswith(WRITES)]
    assert writes == []
    assert version == 2
    assert Assessment.objects.get(pk=draft.pk).version == 2
    assert dict(Answer.objects.values_list("pk", "updated_at")) == stamps
    assert set(Answer.objects.values_list("answered_by", flat=True)) == {leader.pk}


def test_saving_writes_only_the_answers_that_changed(draft, governance, leader, contributor):
    answers_save(assessment=draft, values=values_for(governance), expected_version=1, by=leader)
    values = values_for(governance)
    changed = governance[2]
    values[changed] = AnswerValues(level=levels.INTEGRATIVE, evidence="Memo", confidence="medium")
    version = answers_save(assessment=draft, values=values, expected_version=2, by=contributor)
    assert version == 3
    rows = {a.indicator_id: a for a in Answer.objects.filter(assessment=draft)}
    assert rows[changed.pk].changed_in_version == 3
    assert rows[changed.pk].answered_by == contributor
    others = [a for pk, a in rows.items() if pk != changed.pk]
    assert {(a.changed_in_version, a.answered_by_id) for a in others} == {(2, leader.pk)}


@pytest.mark.parametrize(
    "change",
    [
        {"level": levels.REGULATIVE},
        {"evidence": "Another memo"},
        {"confidence": "low"},
    ],
)
def test_a_change_to_any_field_counts_as_a_change(draft, governance, leader, change):
    answers_save(assessment=draft, values=values_for(governance), expected_version=1, by=leader)
    old = AnswerValues(level=levels.COLLABORATIVE, evidence="Memo", confidence="medium")
    values = values_for(governance) | {governance[0]: AnswerValues(**(old.__dict__ | change))}
    assert answers_save(assessment=draft, values=values, expected_version=2, by=leader) == 3


def test_blank_values_for_unanswered_indicators_create_no_rows(draft, governance, leader):
    blank = {i: AnswerValues(level=None, evidence="", confidence="") for i in governance}
    assert answers_save(assessment=draft, values=blank, expected_version=1, by=leader) == 1
    assert not Answer.objects.exists()
    assert Assessment.objects.get(pk=draft.pk).version == 1


def test_clearing_an_answer_is_a_change(draft, governance, leader):
    answers_save(assessment=draft, values=values_for(governance), expected_version=1, by=leader)
    values = values_for(governance) | {
        governance[0]: AnswerValues(level=None, evidence="", confidence="")
    }
    assert answers_save(assessment=draft, values=values, expected_version=2, by=leader) == 3
    assert Answer.objects.get(indicator=governance[0]).level is None


def test_a_stale_save_writes_nothing_and_lists_what_changed(draft, governance, leader):
    answers_save(assessment=draft, values=values_for(governance[:2]), expected_version=1, by=leader)
    with pytest.raises(StaleVersion) as caught:
        answers_save(
            assessment=draft,
            values=values_for(governance, levels.GENERATIVE),
            expected_version=1,
            by=leader,
        )
    assert caught.value.current_version == 2
    assert {a.indicator for a in caught.value.changed} == set(governance[:2])
    assert not Answer.objects.filter(level=levels.GENERATIVE).exists()
    assert Assessment.objects.get(pk=draft.pk).version == 2


def test_answers_of_a_submitted_assessment_cannot_be_saved(draft, governance, leader):
    from tests.conftest import answer_all

    answer_all(draft)
    assessment_submit(assessment=draft, expected_version=1, by=leader)
    with pytest.raises(AssessmentError, match="read-only"):
        answers_save(
            assessment=draft,
            values=values_for(governance, levels.GENERATIVE),
            expected_version=1,
            by=leader,
        )
    assert not Answer.objects.filter(level=levels.GENERATIVE).exists()


# --- cycle_rows --------------------------------------------------------------------------------


def scored(program, framework: Framework, cycle: str, by, scores: dict[str, tuple[int, str]]):
    """An assessment with the given dimension scores (level, index) written directly."""
    assessment = assessment_start(
        program=program, cycle=cycle_of(program, cycle), framework=framework, by=by
    )
    dimensions = {d.key: d for d in framework.dimensions.all()}
    DimensionScore.objects.bulk_create(
        DimensionScore(assessment=assessment, dimension=dimensions[key], level=lvl, index=index)
        for key, (lvl, index) in scores.items()
    )
    if scores:
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    return assessment


def rows_of(program):
    assessments = program.assessments.prefetch_related(
        Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension"))
    ).order_by("created_at")
    return cycle_rows(list(assessments))


def all_dimensions(level: int, index: str) -> dict[str, tuple[int, str]]:
    return dict.fromkeys(levels.DIMENSION_KEYS, (level, index))


def test_the_first_cycle_has_no_change_to_show(program, framework, leader):
    scored(program, framework, "2024", leader, all_dimensions(1, "1.50"))
    [row] = rows_of(program)
    assert row.compared_with is None
    assert {(s.level_change, s.index_change) for s in row.scores} == {(None, None)}
    assert row.headline_level == 1


def test_changes_are_computed_per_dimension_key(program, framework, leader):
    first = scored(
        program,
        framework,
        "2024",
        leader,
        {
            "governance": (1, "1.50"),
            "insight": (2, "2.00"),
            "services": (0, "0.50"),
            "people": (3, "3.00"),
        },
    )
    scored(
        program,
        framework,
        "2025",
        leader,
        {
            "governance": (2, "2.25"),
            "insight": (2, "2.00"),
            "services": (1, "1.00"),
            "people": (2, "2.50"),
        },
    )
    _, second = rows_of(program)
    names = {d.key: d.name for d in framework.dimensions.all()}
    changes = {s.dimension: (s.level_change, s.index_change) for s in second.scores}
    assert second.compared_with == first
    assert changes == {
        names["governance"]: (1, Decimal("0.75")),
        names["insight"]: (0, Decimal("0.00")),
        names["services"]: (1, Decimal("0.50")),
        names["people"]: (-1, Decimal("-0.50")),
    }
    assert second.headline_level == 1


def test_a_draft_in_between_is_skipped_when_comparing(program, framework, leader):
    first = scored(program, framework, "2024", leader, all_dimensions(1, "1.00"))
    scored(program, framework, "2025", leader, {})  # a draft: no scores
    scored(program, framework, "2026", leader, all_dimensions(2, "2.00"))
    rows = rows_of(program)
    assert [r.assessment.cycle.name for r in rows] == ["2024", "2025", "2026"]
    assert rows[1].scores == [] and rows[1].headline_level is None
    assert rows[2].compared_with == first
    assert {s.level_change for s in rows[2].scores} == {1}


def test_cycles_on_different_framework_versions_compare_by_dimension_key(
    program, framework, leader
):
    scored(program, framework, "2024", leader, all_dimensions(1, "1.00"))
    newer = framework_copy(framework)
    # The new version renames a dimension and reorders them: only the key ties them together.
    renamed = newer.dimensions.get(key="insight")
    renamed.name = "Data & Insight"
    renamed.order = 9
    renamed.save()
    scored(program, newer, "2025", leader, all_dimensions(3, "3.00") | {"insight": (2, "2.00")})
    _, second = rows_of(program)
    changes = {s.dimension: s.level_change for s in second.scores}
    assert changes["Data & Insight"] == 1
    assert {v for k, v in changes.items() if k != "Data & Insight"} == {2}
    assert len(changes) == 4


def test_a_dimension_new_in_a_later_version_shows_no_change(program, framework, leader):
    only_three = {k: v for k, v in all_dimensions(1, "1.00").items() if k != "people"}
    scored(program, framework, "2024", leader, only_three)
    scored(program, framework, "2025", leader, all_dimensions(2, "2.00"))
    _, second = rows_of(program)
    people = framework.dimensions.get(key="people").name
    by_name = {s.dimension: s for s in second.scores}
    assert (by_name[people].level_change, by_name[people].index_change) == (None, None)
    assert {s.level_change for n, s in by_name.items() if n != people} == {1}
