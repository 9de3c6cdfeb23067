"""The framework as data: the shipped file, export and import, validation, and the lock."""

import copy
import json
import re
import signal
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.forms import MultiWidget
from django.urls import reverse

from assessments import levels
from assessments.framework_io import (
    FrameworkFileError,
    framework_copy,
    framework_to_dict,
    parse_framework,
)
from assessments.models import (
    Assessment,
    Dimension,
    Framework,
    FrameworkLocked,
    Indicator,
    LevelDescriptor,
)
from assessments.services import assessment_start
from tests.conftest import FRAMEWORK_FILE
from tests.cycles import cycle_of

SHIPPED = FRAMEWORK_FILE.read_text(encoding="utf-8")
_PARSED = parse_framework(SHIPPED)
SLUG = "value-curve-equity"


@pytest.fixture
def framework_data() -> dict:
    return copy.deepcopy(_PARSED)


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The number of the first line at or after `start` that contains `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not found after line {start}")


def without_block(text: str, first_line: int) -> str:
    """The text without the YAML entry that starts at `first_line`, continuation included."""
    lines = text.splitlines(keepends=True)
    start = first_line - 1
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    return "".join(lines[:start] + lines[end:])


def with_version(text: str, version: str) -> str:
    changed = re.sub(r"^version: 1$", f"version: {version}", text, count=1, flags=re.M)
    assert changed != text
    return changed


def problems_of(text: str) -> list:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(text)
    return caught.value.problems


def counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        Dimension.objects.count(),
        Indicator.objects.count(),
        LevelDescriptor.objects.count(),
    )


def write(tmp_path, text: str, name: str = "framework.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- The shipped file --------------------------------------------------------------------------


def test_the_shipped_file_has_four_dimensions_of_at_least_five_full_indicators():
    data = parse_framework(SHIPPED)
    assert (data["slug"], data["version"]) == (SLUG, 1)
    assert [d["key"] for d in data["dimensions"]] == list(levels.DIMENSION_KEYS)
    for dimension in data["dimensions"]:
        assert len(dimension["indicators"]) >= 5, dimension["key"]
        for indicator in dimension["indicators"]:
            assert set(indicator["levels"]) == set(levels.LEVEL_KEYS.values()), indicator["key"]
            assert all(text.strip() for text in indicator["levels"].values()), indicator["key"]
            assert indicator["evidence_guidance"].strip(), indicator["key"]
            assert indicator["statement"].strip(), indicator["key"]


def test_the_shipped_indicator_keys_are_unique_across_the_framework():
    keys = [i["key"] for d in _PARSED["dimensions"] for i in d["indicators"]]
    assert len(keys) == len(set(keys))


def test_importing_the_shipped_file_creates_every_part(db):
    out = StringIO()
    call_command("import_framework", str(FRAMEWORK_FILE), stdout=out)
    framework = Framework.objects.get(slug=SLUG, version=1)
    indicators = sum(len(d["indicators"]) for d in _PARSED["dimensions"])
    assert "Imported" in out.getvalue()
    assert counts() == (1, 4, indicators, indicators * 4)
    assert not framework.is_locked


# --- Export and import -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_an_export_imports_again_as_a_new_version_with_the_same_content(framework, tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    call_command(
        "export_framework", SLUG, "--format", fmt, "--output", str(path), stdout=StringIO()
    )
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["version"] == 1
        text = text.replace('"version": 1,', '"version": 2,', 1)
    else:
        text = with_version(text, "2")
    call_command("import_framework", str(write(tmp_path, text, f"v2.{fmt}")), stdout=StringIO())
    imported = Framework.objects.get(slug=SLUG, version=2)
    original, again = framework_to_dict(framework), framework_to_dict(imported)
    assert (original.pop("version"), again.pop("version")) == (1, 2)
    assert again == original


def test_the_export_holds_what_the_shipped_file_says(framework):
    out = StringIO()
    call_command("export_framework", SLUG, stdout=out)
    exported = parse_framework(out.getvalue())
    assert json.loads(json.dumps(exported)) == json.loads(json.dumps(_strip_all(_PARSED)))


def _strip_all(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _strip_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_all(v) for v in value]
    return value


def test_export_takes_the_latest_version_unless_told_otherwise(framework):
    framework_copy(framework)
    latest, first = StringIO(), StringIO()
    call_command("export_framework", SLUG, stdout=latest)
    call_command("export_framework", SLUG, "--framework-version", "1", stdout=first)
    assert parse_framework(latest.getvalue())["version"] == 2
    assert parse_framework(first.getvalue())["version"] == 1


def test_exporting_an_unknown_framework_is_an_error(db):
    with pytest.raises(CommandError, match="No framework 'nope' version 3"):
        call_command("export_framework", "nope", "--framework-version", "3")


def test_importing_an_existing_slug_and_version_is_refused(framework):
    before = counts()
    with pytest.raises(CommandError, match="version 1 exists already"):
        call_command("import_framework", str(FRAMEWORK_FILE), stdout=StringIO())
    assert counts() == before


def test_skip_existing_with_identical_content_is_a_no_op(framework):
    before = counts()
    out = StringIO()
    call_command("import_framework", str(FRAMEWORK_FILE), "--skip-existing", stdout=out)
    assert "already imported" in out.getvalue()
    assert counts() == before


def test_skip_existing_still_refuses_different_content_under_the_same_version(framework, tmp_path):
    text = SHIPPED.replace("title: Value Curve Equity Self-Assessment", "title: Another Title", 1)
    before = counts()
    with pytest.raises(CommandError, match="exists already"):
        call_command(
            "import_framework", str(write(tmp_path, text)), "--skip-existing", stdout=StringIO()
        )
    assert counts() == before


def test_reimporting_the_same_file_that_omits_optional_fields_with_skip_existing_is_a_no_op(
    db, tmp_path
):
    description = line_of(SHIPPED, "description:", start=line_of(SHIPPED, "- key: governance"))
    path = write(tmp_path, without_block(SHIPPED, description))
    call_command("import_framework", str(path), stdout=StringIO())
    before = counts()
    out = StringIO()
    call_command("import_framework", str(path), "--skip-existing", stdout=out)
    assert "already imported" in out.getvalue()
    assert counts() == before


# --- Invalid files name the place and import nothing --------------------------------------------


def test_a_missing_level_descriptor_names_its_path_and_line():
    indicator = line_of(SHIPPED, "- key: gov-policy-review")
    levels_line = line_of(SHIPPED, "levels:", start=indicator)
    text = without_block(SHIPPED, line_of(SHIPPED, "generative:", start=levels_line))
    [problem] = problems_of(text)
    assert problem.path == "dimensions[0].indicators[1].levels.generative"
    assert problem.line == levels_line
    assert problem.message == "is required"
    assert str(problem) == (
        f"line {levels_line}, dimensions[0].indicators[1].levels.generative: is required"
    )


def test_a_duplicate_indicator_key_names_the_second_one():
    second = line_of(SHIPPED, "- key: gov-policy-review")
    text = SHIPPED.replace("- key: gov-policy-review", "- key: gov-equity-commitment", 1)
    [problem] = problems_of(text)
    assert problem.path == "dimensions[0].indicators[1].key"
    assert problem.line == second
    assert "used twice" in problem.message


def test_a_duplicate_key_in_another_dimension_is_refused_too():
    text = SHIPPED.replace("- key: gov-policy-review", "- key: ins-root-cause", 1)
    paths = {p.path for p in problems_of(text)}
    assert any(p.startswith("dimensions[1].indicators[") and p.endswith(".key") for p in paths)


@pytest.mark.parametrize("wrong", ["insights", "governance"])
def test_wrong_dimension_keys_are_refused(wrong):
    text = SHIPPED.replace("  - key: insight\n", f"  - key: {wrong}\n", 1)
    [problem] = problems_of(text)
    assert problem.path == "dimensions"
    assert problem.line == line_of(SHIPPED, "dimensions:")
    assert "exactly the four dimensions" in problem.message


@pytest.mark.parametrize("version", ["one", "1.5", "'2'", "0", "-1", "true", ""])
def test_a_version_that_is_not_a_whole_number_is_refused(version):
    [problem] = problems_of(with_version(SHIPPED, version))
    assert (problem.path, problem.line) == ("version", 2)
    assert "whole number" in problem.message


def test_broken_yaml_reports_the_line():
    broken = line_of(SHIPPED, "  - key: insight")
    text = SHIPPED.replace("  - key: insight\n", "  - key: insight: oops\n", 1)
    [problem] = problems_of(text)
    assert problem.line == broken
    assert str(problem).startswith(f"line {broken}, (top): not valid YAML or JSON")


def test_broken_json_reports_the_line():
    lines = json.dumps(_PARSED, indent=2).splitlines()
    title = next(n for n, line in enumerate(lines) if line.startswith('  "title"'))
    lines[title] = lines[title].rstrip(",")  # a missing comma
    [problem] = problems_of("\n".join(lines))
    assert problem.line in (title + 1, title + 2)  # the line, or the next where it shows
    assert "not valid YAML or JSON" in problem.message


def test_every_problem_is_listed_at_once():
    text = with_version(SHIPPED, "x").replace("- key: gov-policy-review", "- key: BAD KEY", 1)
    paths = {p.path for p in problems_of(text)}
    assert paths == {"version", "dimensions[0].indicators[1].key"}


def test_an_unknown_level_is_refused():
    text = SHIPPED.replace("          generative: >-", "          transcendent: >-", 1)
    paths = {p.path for p in problems_of(text)}
    assert paths == {
        "dimensions[0].indicators[0].levels.generative",
        "dimensions[0].indicators[0].levels.transcendent",
    }


@contextmanager
def time_limit(seconds: float):
    """Stop a parse that never ends, so a hang fails one test instead of the whole run."""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("field", ["slug", "title", "version"])
def test_a_missing_top_level_field_is_reported_at_the_top_of_the_file(field):
    text = without_block(SHIPPED, line_of(SHIPPED, f"{field}:"))
    with time_limit(1):
        [problem] = problems_of(text)
    assert (problem.path, problem.line) == (field, 1)


def test_a_file_without_dimensions_is_refused():
    dimensions = line_of(SHIPPED, "dimensions:")
    text = "".join(SHIPPED.splitlines(keepends=True)[: dimensions - 1])
    with time_limit(1):
        problems = problems_of(text)
    assert {p.path for p in problems} == {"dimensions"}


def test_a_file_that_is_not_a_mapping_is_refused():
    with time_limit(1):
        problems = problems_of("- just\n- a list\n")
    assert problems[0].path == ""
    assert "mapping" in problems[0].message


@pytest.mark.parametrize(
    ("field", "path"),
    [("name: Governance & Structures", "dimensions[0].name"), ("title: Value", "title")],
)
def test_text_longer_than_its_database_column_is_refused_by_path(field, path):
    key = field.split(":")[0]
    text = SHIPPED.replace(field, f"{key}: {'x' * 250}", 1)
    assert path in {p.path for p in problems_of(text)}


def test_an_invalid_file_imports_nothing_and_the_command_names_the_place(framework, tmp_path):
    text = with_version(SHIPPED, "2").replace(
        "- key: gov-policy-review", "- key: gov-equity-commitment", 1
    )
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(write(tmp_path, text)), stdout=StringIO())
    assert "is not a valid framework file" in str(caught.value)
    assert "dimensions[0].indicators[1].key" in str(caught.value)
    assert counts() == before


def test_an_unreadable_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_framework", str(tmp_path / "missing.yaml"))


def test_a_failure_in_the_middle_of_the_import_rolls_everything_back(
    framework, tmp_path, monkeypatch
):
    before = counts()
    seen_mid_import = []
    original = LevelDescriptor.objects.bulk_create

    def bulk_create_failing_on_the_tenth(objs, *args, **kwargs):
        seen_mid_import.append(Indicator.objects.count())
        if len(seen_mid_import) == 10:
            raise DatabaseError("simulated failure on the tenth indicator")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(LevelDescriptor.objects, "bulk_create", bulk_create_failing_on_the_tenth)
    path = write(tmp_path, with_version(SHIPPED, "2"))
    with pytest.raises(DatabaseError, match="tenth indicator"):
        call_command("import_framework", str(path), stdout=StringIO())
    assert seen_mid_import[-1] == before[2] + 10  # ten indicators were written, then undone
    assert counts() == before
    assert not Framework.objects.filter(slug=SLUG, version=2).exists()


# --- The lock ----------------------------------------------------------------------------------


PARTS = {
    "framework": lambda f: f,
    "dimension": lambda f: f.dimensions.first(),
    "indicator": lambda f: Indicator.objects.filter(dimension__framework=f).first(),
    "descriptor": lambda f: LevelDescriptor.objects.filter(
        indicator__dimension__framework=f
    ).first(),
}


@pytest.mark.parametrize("part", PARTS)
def test_saving_any_part_of_a_used_framework_is_refused(framework, draft, part):
    obj = PARTS[part](framework)
    with pytest.raises(FrameworkLocked, match="is used by assessments and cannot be changed"):
        obj.save()


@pytest.mark.parametrize("part", PARTS)
def test_deleting_any_part_of_a_used_framework_is_refused(framework, draft, part):
    obj = PARTS[part](framework)
    before = counts()
    with pytest.raises(FrameworkLocked, match="Copy it as a new version"):
        obj.delete()
    assert counts() == before


def test_a_refused_save_leaves_the_row_as_it_was(framework, draft):
    indicator = Indicator.objects.filter(dimension__framework=framework).first()
    statement = indicator.statement
    indicator.statement = "Quietly changed"
    with pytest.raises(FrameworkLocked):
        indicator.save()
    indicator.refresh_from_db()
    assert indicator.statement == statement


def test_the_lock_message_names_the_framework(framework, draft):
    with pytest.raises(FrameworkLocked) as caught:
        framework.save()
    assert str(framework) in str(caught.value)


def test_an_unused_framework_can_be_edited(framework):
    assert not framework.is_locked
    framework.title = "Edited before first use"
    framework.save()
    indicator = Indicator.objects.filter(dimension__framework=framework).first()
    indicator.statement = "Edited too"
    indicator.save()
    framework.refresh_from_db()
    assert framework.title == "Edited before first use"


def test_an_assessment_records_its_framework_version(client, leader, draft, framework):
    copy_ = framework_copy(framework)
    later = assessment_start(
        program=draft.program, cycle=cycle_of(draft.program, "2027"), framework=copy_, by=leader
    )
    assert Assessment.objects.get(pk=draft.pk).framework.version == 1
    assert Assessment.objects.get(pk=later.pk).framework.version == 2
    client.force_login(leader)
    page = client.get(reverse("assessments:program", args=[draft.program.pk])).content.decode()
    assert f"{framework.title} v1" in page
    assert f"{framework.title} v2" in page


# --- The lock in the admin ---------------------------------------------------------------------


LOCKED_MESSAGE = "cannot be changed"


def change_url(obj) -> str:
    return reverse(f"admin:assessments_{obj._meta.model_name}_change", args=[obj.pk])


def admin_form_data(response) -> dict:
    """The data the admin change form would post back unchanged, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value, widget = field.value(), field.field.widget
            if isinstance(widget, MultiWidget):  # a split date and time
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{field.html_name}_{index}"] = "" if part is None else str(part)
            elif value is not None and value is not False:
                data[field.html_name] = "on" if value is True else value
    return data


@pytest.mark.parametrize("part", ["framework", "dimension", "indicator"])
def test_the_admin_shows_a_used_framework_read_only_with_the_reason(
    admin_client, framework, draft, part
):
    obj = PARTS[part](framework)
    response = admin_client.get(change_url(obj))
    page = response.content.decode()
    assert response.status_code == 200
    assert LOCKED_MESSAGE in page
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page


@pytest.mark.parametrize("part", ["framework", "dimension", "indicator"])
def test_the_admin_change_form_of_a_used_framework_has_no_editable_fields(
    admin_client, framework, draft, part
):
    """Inlines included: a page that looks editable but refuses to save misleads."""
    page = admin_client.get(change_url(PARTS[part](framework))).content.decode()
    assert not re.search(r"<(textarea|select)\b[^>]*\bname=", page)
    inputs = re.findall(r"<input\b[^>]*\bname=[^>]*>", page)
    editable = [i for i in inputs if not re.search(r'type="(hidden|submit)"', i)]
    assert editable == []


def test_a_post_to_a_used_framework_in_the_admin_changes_nothing(admin_client, framework, draft):
    response = admin_client.post(
        change_url(framework),
        {"slug": SLUG, "version": 1, "title": "Changed in the admin", "description": ""},
    )
    framework.refresh_from_db()
    assert response.status_code == 403
    assert framework.title != "Changed in the admin"


def test_a_post_to_a_used_indicator_in_the_admin_changes_nothing(admin_client, framework, draft):
    indicator = Indicator.objects.filter(dimension__framework=framework).first()
    descriptor = indicator.descriptors.first()
    response = admin_client.post(
        change_url(indicator),
        {
            "dimension": indicator.dimension_id,
            "key": indicator.key,
            "statement": "Changed in the admin",
            "order": 0,
            "descriptors-TOTAL_FORMS": 1,
            "descriptors-INITIAL_FORMS": 1,
            "descriptors-0-id": descriptor.pk,
            "descriptors-0-indicator": indicator.pk,
            "descriptors-0-level": descriptor.level,
            "descriptors-0-text": "Changed too",
        },
    )
    assert response.status_code == 403
    indicator.refresh_from_db()
    descriptor.refresh_from_db()
    assert indicator.statement != "Changed in the admin"
    assert descriptor.text != "Changed too"


def test_a_used_framework_cannot_be_deleted_in_the_admin(admin_client, framework, draft):
    delete = reverse("admin:assessments_framework_delete", args=[framework.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Framework.objects.filter(pk=framework.pk).exists()


def test_the_admin_offers_no_bulk_delete_of_frameworks(admin_client, framework):
    page = admin_client.get(reverse("admin:assessments_framework_changelist")).content.decode()
    assert "copy_as_new_version" in page
    assert "delete_selected" not in page


def test_copy_as_a_new_version_creates_an_editable_version_2(admin_client, framework, draft):
    response = admin_client.post(
        reverse("admin:assessments_framework_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [framework.pk]},
    )
    assert response.status_code == 302
    copy_ = Framework.objects.get(slug=SLUG, version=2)
    assert not copy_.is_locked
    original, copied = framework_to_dict(framework), framework_to_dict(copy_)
    assert (original.pop("version"), copied.pop("version")) == (1, 2)
    assert copied == original

    form = admin_client.get(change_url(copy_))
    assert LOCKED_MESSAGE not in form.content.decode()
    assert 'name="_save"' in form.content.decode()
    data = admin_form_data(form) | {"title": "Edited copy", "_save": "Save"}
    saved = admin_client.post(change_url(copy_), data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    copy_.refresh_from_db()
    framework.refresh_from_db()
    assert copy_.title == "Edited copy"
    assert framework.title != "Edited copy"
