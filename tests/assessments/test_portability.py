"""An organization's export, imported into an empty database, loses nothing."""

import json

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments import levels
from assessments.models import Framework, Organization
from assessments.portability import organization_export
from assessments.services import (
    AnswerValues,
    answers_save,
    assessment_reopen,
    assessment_start,
    assessment_submit,
    respondents_assign,
)
from tests.conftest import answer_all


def build_history(draft, leader, contributor):
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
    later = assessment_start(
        program=draft.program, cycle="2027", framework=draft.framework, by=leader, copy_from=draft
    )
    respondents_assign(assessment=later, users=[leader, contributor], by=leader)


def test_the_export_round_trip_loses_nothing(client, tmp_path, org, leader, contributor, draft):
    build_history(draft, leader, contributor)
    client.force_login(leader)
    response = client.get(reverse("assessments:organization_export", args=[org.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported["assessments"][0]["answer_history"], "the history travels too"

    Organization.objects.all().delete()
    Framework.objects.all().delete()
    get_user_model().objects.all().delete()

    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    call_command("import_organization", str(path))
    restored = Organization.objects.get()
    assert organization_export(restored) == exported


def test_a_viewer_cannot_export(client, viewer, org):
    client.force_login(viewer)
    response = client.get(reverse("assessments:organization_export", args=[org.pk]))
    assert response.status_code == 403


def test_importing_an_organization_that_exists_is_refused(tmp_path, org, leader):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(organization_export(org)), encoding="utf-8")
    try:
        call_command("import_organization", str(path))
    except Exception as exc:  # CommandError
        assert "already" in str(exc)
    else:
        raise AssertionError("a second import of the same organization must be refused")
    assert Organization.objects.count() == 1
