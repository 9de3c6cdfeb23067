"""An organization's export, imported into a database without it, loses nothing.

Which models are compared comes from the model registry: every model with a path to an
organization is exported and compared field by field, or is listed below with the reason it
is not the organization's; a model added later and forgotten fails here.
"""

import json
from collections import deque
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import UUIDField
from django.urls import reverse

from assessments import levels, members, plans, portability
from assessments.models import Membership, Organization, PlanStep, Program, Role
from assessments.plans import StepValues
from assessments.portability import organization_export, organization_import
from assessments.services import (
    AnswerValues,
    answers_confirm,
    answers_save,
    assessment_reopen,
    assessment_start,
    assessment_submit,
    respondents_assign,
)
from cohorts import services as cohort_services
from cohorts.models import Cohort, CohortMember, CohortRound, SharedGoal, Sharing, Workgroup
from cohorts.rounds import round_save
from outcomes import services as outcome_services
from outcomes.models import OutcomeMeasure
from surveys.models import Answer as SurveyAnswer
from surveys.models import Finding, OneTimeCode, ProgramQuestion, Survey, code_hash
from surveys.models import Response as SurveyResponse
from tests.conftest import answer_all, make_user
from tests.cycles import cycle_of

# Models that are not an organization's, and why. Everything else with a path to an
# organization must travel in its export.
NOT_OWNED = {
    "valuecurve.preferences": "a person's own choice of language, not their organization's",
    "api.accesstoken": "a person's own secret for the API, never copied anywhere",
    "admin.logentry": "staff's admin log, about objects of any organization",
    "auth.permission": "the framework's permissions",
    "auth.group": "site-wide groups of permissions",
    "auth.group_permissions": "site-wide groups of permissions",
    "auth.user": "people: exported as references (email, username, names), found or created",
    "auth.user_groups": "site-wide groups of permissions",
    "auth.user_user_permissions": "site-wide permissions",
    "contenttypes.contenttype": "Django's model registry",
    "sessions.session": "sign-ins of this server",
    "outcomes.outcomesversion": "this database's key to cached summaries, drawn afresh on import",
    "otp_totp.totpdevice": "a person's authenticator, not the organization's; set up again",
    "valuecurve.providerdevice": "a person's sign-in through their identity provider",
    "account.emailaddress": "a person's sign-in addresses (single sign-on), not the organization's",
    "account.emailconfirmation": "a person's sign-in addresses (single sign-on)",
    "socialaccount.socialapp": "this server's identity providers, set by its environment",
    "socialaccount.socialaccount": "a link to a person's identity provider, made at sign-in",
    "socialaccount.socialtoken": "a person's tokens from their identity provider, never copied",
    "otp_static.staticdevice": "a person's recovery codes, not the organization's",
    "otp_static.statictoken": "a person's recovery codes, not the organization's",
    "axes.accessattempt": "this server's record of failed sign-ins",
    "axes.accessfailurelog": "this server's record of failed sign-ins",
    "axes.accesslog": "this server's record of sign-ins",
    "axes.accessattemptexpiration": "this server's record of failed sign-ins",
    "django_tasks_database.dbtaskresult": "this server's background tasks",
    "assessments.framework": "shared framework, exported as data and found by slug and version",
    "assessments.dimension": "part of the shared framework",
    "assessments.indicator": "part of the shared framework",
    "assessments.leveldescriptor": "part of the shared framework",
    "assessments.historicalframework": "the shared framework's history",
    "assessments.historicaldimension": "the shared framework's history",
    "assessments.historicalindicator": "the shared framework's history",
    "assessments.historicalleveldescriptor": "the shared framework's history",
    "assessments.actionstep": "the shared action-step library, found by key",
    "assessments.actionstep_indicators": "the shared action-step library",
    "cohorts.cohort": "the cohort's own data: memberships refer to it by id",
    "cohorts.historicalcohort": "the cohort's own data",
    "cohorts.facilitator": "the cohort's own data",
    "cohorts.historicalfacilitator": "the cohort's own data",
    "cohorts.sharedgoal": "the cohort's own data: goal links refer to it by id",
    "cohorts.historicalsharedgoal": "the cohort's own data",
    "cohorts.workgroup": "the cohort's own data: its members refer to it by id",
    "cohorts.historicalworkgroup": "the cohort's own data",
    "cohorts.cohortround": "the cohort's own data: members' cycles refer to it by id",
    "cohorts.historicalcohortround": "the cohort's own data",
    "cohorts.roundemail": "this server's record of the round emails it sent",
    "reports.posterbatch": "a zip of posters built on demand from the exported data",
    "cohorts.memberposterbatch": "the cohort's zip of its members' posters, built on demand",
    "cohorts.newcomerinvitation": "the cohort's invitation to an organization not yet in the app",
    "cohorts.historicalnewcomerinvitation": "the cohort's own data",
}


def path_to_organization(model) -> list[str] | None:
    """The foreign keys from the model to Organization (a historical model: its original's)."""
    start = getattr(model, "instance_type", model)
    seen, queue = {start}, deque([(start, [])])
    while queue:
        current, path = queue.popleft()
        if current is Organization:
            return path
        for f in current._meta.concrete_fields:
            if f.is_relation and f.related_model not in seen:
                seen.add(f.related_model)
                queue.append((f.related_model, [*path, f.name]))
    return None


def all_models():
    return apps.get_models(include_auto_created=True)


def test_every_model_is_exported_or_said_not_to_be_the_organizations():
    exported = {m._meta.label_lower for m in portability.exported_models()}
    labels = {m._meta.label_lower for m in all_models()}
    for model in all_models():
        label = model._meta.label_lower
        if label in NOT_OWNED:
            assert label not in exported, f"{label} is exported and listed as not owned"
        elif path_to_organization(model) is not None:
            assert label in exported, f"{label} belongs to an organization: export it"
        else:
            raise AssertionError(f"{label}: export it, or say in NOT_OWNED why it is not")
    assert set(NOT_OWNED) <= labels, "NOT_OWNED names models that no longer exist"


# --- An organization that uses every part of the product ----------------------------------------


@pytest.fixture
def everything(client, org, leader, contributor, viewer, draft, action_steps):
    org.commitment_statement, org.vision = "We commit to equity.", "Every family thrives."
    org.save()
    indicator = draft.framework.dimensions.get(key="governance").indicators.first()
    answers_save(
        assessment=draft,
        values={indicator: AnswerValues(levels.REGULATIVE, "First try", "low")},
        expected_version=draft.version,
        by=contributor,
    )
    answer_all(draft, levels.COLLABORATIVE, "Board minutes")
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    assessment_reopen(assessment=draft, by=leader, reason="New data")
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    _edit_plan(draft, leader)
    _carry_on(draft, leader)
    later = assessment_start(
        program=draft.program,
        cycle=cycle_of(draft.program, "2027"),
        framework=draft.framework,
        by=leader,
        copy_from=draft,
    )
    respondent, _other = respondents_assign(
        assessment=later, users=[leader, contributor], by=leader
    )
    answers_save(
        assessment=later,
        values={indicator: AnswerValues(levels.INTEGRATIVE, "Our data", "high")},
        expected_version=respondent.version,
        by=leader,
        respondent=respondent,
    )
    _change_members(org, leader)
    _outcomes(draft.program, leader)
    _survey(draft.program, leader)
    _cohort(org, leader)
    return org


def _edit_plan(assessment, leader) -> None:
    first, second = list(assessment.plan_steps.all())[:2]
    values = StepValues(first.title, "", "", "Ana", None, PlanStep.Status.IN_PROGRESS, "Started")
    plans.plan_step_update(step=first, values=values, by=leader)
    plans.plan_step_remove(step=second, by=leader)


def _carry_on(assessment, leader) -> None:
    """A mid-year cycle: carried answers, one confirmed, and steps that continue the plan's."""
    midyear = assessment_start(
        program=assessment.program,
        cycle=cycle_of(assessment.program, "2026-09"),
        framework=assessment.framework,
        by=leader,
        copy_from=assessment,
    )
    answers_confirm(assessment=midyear, indicators=[midyear.answers.first().indicator], by=leader)
    assessment_submit(assessment=midyear, expected_version=midyear.version, by=leader)
    assert midyear.plan_steps.filter(continues__isnull=False).exists()


def _change_members(org, leader) -> None:
    members.invitation_create(organization=org, email="new@example.org", role="viewer", by=leader)
    leaving = make_user("leaving")
    membership = Membership.objects.create(user=leaving, organization=org, role=Role.VIEWER)
    members.membership_remove(membership=membership, by=leader)


def _survey(program, leader) -> None:
    survey = Survey.objects.create(
        program=program,
        title="How did we do?",
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 31),
        codes_required=True,
        created_by=leader,
    )
    ProgramQuestion.objects.create(
        survey=survey, position=1, kind="choice", text="Which office?", choices=["North", "South"]
    )
    response = SurveyResponse.objects.create(
        survey=survey,
        submitted_on=date(2026, 3, 2),
        language="es",
        source="paper",
        race=["black", "hispanic"],
        age_band="25_34",
        preferred_language="es",
    )
    SurveyAnswer.objects.create(response=response, question="respect", number=5)
    SurveyAnswer.objects.create(response=response, question="works_well", text="La gente")
    OneTimeCode.objects.create(survey=survey, code_hash=code_hash(survey.pk, "ABCD"), used=True)
    step = PlanStep.objects.filter(assessment__program=program).first()
    Finding.objects.create(survey=survey, question="respect", step=step, created_by=leader)


def _outcomes(program, leader) -> None:
    for name in ("Stable housing", "Re-referral"):
        measure = outcome_services.measure_save(
            measure=OutcomeMeasure(
                program=program, name=name, direction="favorable", denominator="families"
            ),
            by=leader,
        )
        values = {"black": (40, 12), "white": (50, 30), "asian": (30, 20)}
        outcome_services.counts_save_period(
            measure=measure, period="2025", values=values, by=leader
        )
        del values["asian"]  # a count deleted: only its history remains
        outcome_services.counts_save_period(
            measure=measure, period="2025", values=values, by=leader
        )
    outcome_services.measure_delete(measure=measure, by=leader)


def _cohort(org, leader) -> None:
    facilitator = make_user("facilitator")
    cohort = cohort_services.cohort_create(name="Tri-County", description="", by=facilitator)
    (member,) = cohort_services.members_invite(cohort=cohort, organizations=[org], by=facilitator)
    cohort_services.membership_respond(
        member=member, sharing=Sharing.PLANS, by=leader, outcomes=True
    )
    goal = SharedGoal.objects.create(cohort=cohort, title="Housing for all")
    step = cohort_services.tieable_steps(member).first()
    cohort_services.goal_links_set(member=member, links={goal: [step]}, by=leader)
    Workgroup.objects.create(cohort=cohort, name="Data", goal=goal).organizations.add(org)
    opening = CohortRound(
        cohort=cohort, name="2031", starts_on=date(2031, 3, 1), ends_on=date(2031, 4, 30)
    )
    round_save(cohort_round=opening, by=facilitator, today=date(2030, 12, 1))


def _rows(model) -> list[dict]:
    names = [f.attname for f in model._meta.concrete_fields]
    return [dict(zip(names, row, strict=True)) for row in model._base_manager.values_list(*names)]


def _mapped(model, row: dict, ids: dict) -> dict:
    """The row as it must read after the import: integer ids and references followed."""
    original = getattr(model, "instance_type", None)
    out = {}
    for f in model._meta.concrete_fields:
        value, label = row[f.attname], None
        if f.is_relation:
            label = f.related_model._meta.label_lower
        elif f.primary_key and not isinstance(f, UUIDField):
            label = model._meta.label_lower
        elif original is not None and f.attname == original._meta.pk.attname:
            label = original._meta.label_lower
        if label in ids and value is not None:
            value = ids[label][str(value)]
        out[f.attname] = value
    return out


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(repr(sorted(row.items())) for row in rows)


def _wipe(org) -> None:
    """What a database without the organization looks like (frameworks and cohorts stay)."""
    Organization.objects.filter(pk=org.pk).delete()
    for model in portability.exported_models():
        model._base_manager.all().delete()
    get_user_model().objects.all().delete()


def test_the_export_round_trip_keeps_every_field_of_every_model(client, everything, leader):
    client.force_login(leader)
    response = client.get(reverse("assessments:organization_export", args=[everything.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    models = portability.exported_models()
    before = {model: _rows(model) for model in models}
    empty = [m._meta.label_lower for m, rows in before.items() if not rows]
    assert not empty, f"give the test organization rows of {empty}, so the round trip checks them"
    users = {u.pk: (u.username, u.email) for u in get_user_model().objects.all()}

    _wipe(everything)
    result = organization_import(exported)

    assert not result.not_restored
    for model in models:
        expected = [_mapped(model, row, result.ids) for row in before[model]]
        assert _canonical(_rows(model)) == _canonical(expected), model._meta.label_lower
    restored_users = get_user_model().objects.in_bulk(result.ids["auth.user"].values())
    for old, new in result.ids["auth.user"].items():
        assert (restored_users[new].username, restored_users[new].email) == users[int(old)]
    fields = sum(len(m._meta.concrete_fields) for m in models)
    print(f"round trip: {len(models)} models, {fields} fields compared")


def test_timestamps_that_save_themselves_are_kept(everything):
    exported = organization_export(everything)
    step = PlanStep.objects.filter(assessment__program__organization=everything).first()
    PlanStep.objects.filter(pk=step.pk).update(updated_at="2024-01-02T03:04:05Z")
    exported = organization_export(everything)
    _wipe(everything)
    organization_import(exported)
    assert PlanStep.objects.get(pk=step.pk).updated_at.isoformat() == "2024-01-02T03:04:05+00:00"


def test_the_export_holds_nothing_of_another_organization(everything, other_org, framework):
    program = Program.objects.create(organization=other_org, name="Elsewhere", service_area="x")
    assessment_start(program=program, cycle=cycle_of(program, "2026"), framework=framework, by=None)
    text = json.dumps(organization_export(everything))
    assert str(other_org.pk) not in text
    assert str(program.pk) not in text


def test_a_cohort_not_in_the_database_leaves_out_the_membership_and_says_so(everything):
    exported = organization_export(everything)
    _wipe(everything)
    Cohort.objects.all().delete()
    result = organization_import(exported)
    assert CohortMember.objects.count() == 0
    assert any("cohortmember" in line for line in result.not_restored)
    assert result.organization.programs.count() == 1


def test_a_database_without_the_framework_gets_it_and_loses_only_the_library_links(everything):
    from assessments.models import Framework

    exported = organization_export(everything)
    steps = PlanStep.objects.count()
    _wipe(everything)
    Framework.objects.all().delete()  # and its action-step library
    result = organization_import(exported)
    assert Framework.objects.get().dimensions.count() == 4
    assert PlanStep.objects.count() == steps
    assert not PlanStep.objects.filter(action_step__isnull=False).exists()
    assert PlanStep.history.count() > steps, "the history of the steps is kept"
    assert result.not_restored["assessments.planstep.action_step: emptied, not in this database"]


def test_the_import_command_restores_and_reports(tmp_path, everything):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(organization_export(everything)), encoding="utf-8")
    _wipe(everything)
    call_command("import_organization", str(path))
    assert Organization.objects.get().name == "Riverside County DSS"


def test_a_viewer_cannot_export(client, viewer, org):
    client.force_login(viewer)
    response = client.get(reverse("assessments:organization_export", args=[org.pk]))
    assert response.status_code == 403


def test_importing_an_organization_that_exists_is_refused(tmp_path, org, leader):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(organization_export(org)), encoding="utf-8")
    with pytest.raises(CommandError, match="already"):
        call_command("import_organization", str(path))
    assert Organization.objects.count() == 1


def test_an_export_of_the_first_format_is_refused_with_a_reason(tmp_path, org):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"format": "valuecurve-organization", "format_version": 1}))
    with pytest.raises(CommandError, match="format 2"):
        call_command("import_organization", str(path))


def test_a_tampered_file_is_refused_with_a_reason_and_nothing_is_imported(tmp_path, everything):
    exported = organization_export(everything)
    _wipe(everything)
    exported["tables"]["assessments.program"]["fields"][1] = "no_such_field"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    with pytest.raises(CommandError, match="no field no_such_field"):
        call_command("import_organization", str(path))
    assert not Organization.objects.exists()


def test_counts_that_break_a_rule_are_refused_and_nothing_is_imported(tmp_path, everything):
    exported = organization_export(everything)
    _wipe(everything)
    table = exported["tables"]["outcomes.outcomecount"]
    events = table["fields"].index("events")
    table["rows"][0][events] = 10**6  # more events than people
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_organization", str(path))
    assert not Organization.objects.exists()
