"""Translations of the framework and the action-step library: files, import, lock, export,
and the text shown in the active language."""

import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.framework_translations import (
    framework_translation_store,
    parse_framework_translation,
)
from assessments.models import ActionStep, Dimension, Framework, FrameworkLocked, Indicator
from assessments.translated import translated
from tests.conftest import ACTION_STEPS_FILE, FRAMEWORK_FILE

SLUG = "value-curve-equity"

# A partial Spanish translation: the title, one dimension, one indicator with two levels.
SPANISH = """\
language: es
slug: value-curve-equity
version: 1
title: Autoevaluación de equidad de la Curva de Valor
dimensions:
  - key: governance
    name: Gobernanza y estructuras
    description: Cómo se dirige, financia y rinde cuentas el programa.
    indicators:
      - key: gov-equity-commitment
        statement: El programa opera bajo un compromiso escrito de equidad racial.
        evidence_guidance: Una declaración de compromiso con fecha.
        levels:
          regulative: Existe un compromiso escrito a nivel de la agencia.
          generative: El compromiso se comparte con organizaciones comunitarias.
"""

SPANISH_STEPS = """\
language: es
framework: value-curve-equity
framework_version: 1
steps:
  - key: gov-0-adopt-equity-commitment
    title: Adoptar un compromiso escrito de equidad racial
    description: Redactar una declaración de una página.
    measure: Un compromiso con fecha adoptado por la junta.
"""


def spanish(framework) -> None:
    framework_translation_store(framework, parse_framework_translation(SPANISH, framework))


def files(tmp_path, translation_text: str | None = SPANISH):
    """The shipped framework file copied to tmp_path, with a Spanish file beside it."""
    path = tmp_path / FRAMEWORK_FILE.name
    shutil.copy(FRAMEWORK_FILE, path)
    if translation_text is not None:
        path.with_name(f"{path.stem}.es.yaml").write_text(translation_text, encoding="utf-8")
    return path


def governance(framework) -> Dimension:
    return framework.dimensions.get(key="governance")


def commitment(framework) -> Indicator:
    return Indicator.objects.get(dimension__framework=framework, key="gov-equity-commitment")


def translations_of(framework) -> list:
    return [
        framework.translations,
        *Dimension.objects.filter(framework=framework).values_list("translations", flat=True),
        *Indicator.objects.filter(dimension__framework=framework).values_list(
            "translations", flat=True
        ),
    ]


# --- The text shown ----------------------------------------------------------------------------


def test_the_active_language_shows_the_translation_and_english_the_source(framework):
    spanish(framework)
    dimension = governance(framework)
    with translation.override("es"):
        assert translated(dimension, "name") == "Gobernanza y estructuras"
        assert str(dimension) == "Gobernanza y estructuras"
    with translation.override("en"):
        assert translated(dimension, "name") == "Governance & Structures"
        assert str(dimension) == "Governance & Structures"


def test_a_text_the_translation_leaves_out_falls_back_to_the_source(framework):
    spanish(framework)
    indicator = commitment(framework)
    other = Indicator.objects.get(dimension__framework=framework, key="gov-policy-review")
    descriptors = {d.level: d for d in indicator.descriptors.all()}
    with translation.override("es"):
        assert translated(descriptors[1], "text").startswith("Existe un compromiso")
        assert translated(descriptors[2], "text") == descriptors[2].text  # collaborative left out
        assert translated(other, "statement") == other.statement
        assert translated(framework.dimensions.get(key="insight"), "name") == "Insight & Evidence"


# --- Import ------------------------------------------------------------------------------------


def test_import_framework_loads_the_translation_beside_the_file_and_lists_what_it_lacks(
    db, tmp_path
):
    out = StringIO()
    call_command("import_framework", str(files(tmp_path)), stdout=out)
    framework = Framework.objects.get(slug=SLUG, version=1)
    assert governance(framework).translations["es"]["name"] == "Gobernanza y estructuras"
    assert "“es” translation" in out.getvalue()
    assert "not translated" in out.getvalue() and "gov-policy-review" in out.getvalue()


def test_without_a_translation_file_the_import_is_as_before(db, tmp_path):
    out = StringIO()
    call_command("import_framework", str(files(tmp_path, None)), stdout=out)
    framework = Framework.objects.get(slug=SLUG, version=1)
    assert "translation" not in out.getvalue()
    assert all(t == {} for t in translations_of(framework))


def test_skip_existing_still_loads_a_new_translation(framework, tmp_path):
    call_command("import_framework", str(files(tmp_path)), "--skip-existing", stdout=StringIO())
    assert governance(framework).translations["es"]["name"] == "Gobernanza y estructuras"


def test_a_translation_file_imports_on_its_own(framework, tmp_path):
    path = tmp_path / "es.yaml"
    path.write_text(SPANISH, encoding="utf-8")
    call_command("import_framework", str(path), stdout=StringIO())
    assert commitment(framework).translations["es"]["statement"].startswith("El programa")


def test_importing_again_replaces_the_language_and_keeps_the_others(framework, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French")]
    spanish(framework)
    french = SPANISH.replace("language: es", "language: fr")
    framework_translation_store(framework, parse_framework_translation(french, framework))
    fewer = SPANISH.replace("    name: Gobernanza y estructuras\n", "")
    framework_translation_store(framework, parse_framework_translation(fewer, framework))
    translations = governance(framework).translations
    assert "name" not in translations["es"] and translations["es"]["description"]
    assert translations["fr"]["name"] == "Gobernanza y estructuras"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("language: es", "language: fr"), "“fr” is not a language to translate into"),
        (("language: es", "language: en"), "“en” is not a language to translate into"),
        (("slug: value-curve-equity", "slug: other"), "slug: must be 'value-curve-equity'"),
        (("version: 1", "version: 2"), "version: must be 1"),
        (("- key: governance", "- key: governing"), "“governing” is not a dimension"),
        (("key: gov-equity-commitment", "key: gov-nothing"), "“gov-nothing” is not an indicator"),
        (("title: Auto", "titel: Auto"), "titel: is not a field of this file"),
        (("generative: El", "heroic: El"), "levels.heroic: is not a field of this file"),
        (("statement: El", "statement:\n          - El"), "statement: must be text"),
        (("name: Gobernanza y estructuras", "name: " + "x" * 101), "longer than 100"),
    ],
)
def test_a_bad_translation_file_is_refused_whole_with_a_clear_message(
    db, tmp_path, change, message
):
    path = files(tmp_path, SPANISH.replace(*change, 1))
    with pytest.raises(CommandError, match=message):
        call_command("import_framework", str(path), stdout=StringIO())
    # Nothing stays half-way: not even the framework the same command imported.
    assert not Framework.objects.exists()


def test_a_translation_file_must_be_in_the_language_its_name_says(db, tmp_path, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French")]
    path = files(tmp_path, SPANISH.replace("language: es", "language: fr"))
    with pytest.raises(CommandError, match="must be “es”, as the file's name"):
        call_command("import_framework", str(path), stdout=StringIO())
    assert not Framework.objects.exists()


def test_a_bad_translation_leaves_the_translation_already_stored(framework, tmp_path):
    spanish(framework)
    before = translations_of(framework)
    path = tmp_path / "es.yaml"
    path.write_text(SPANISH.replace("gov-equity-commitment", "gov-nothing"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 10, dimensions\[0\]\.indicators\[0\]\.key"):
        call_command("import_framework", str(path), stdout=StringIO())
    assert translations_of(framework) == before


def test_a_dimension_listed_twice_is_refused(framework):
    twice = SPANISH + SPANISH[SPANISH.index("  - key: governance") :]
    with pytest.raises(Exception, match="“governance” is listed twice"):
        parse_framework_translation(twice, framework)


# --- The lock ----------------------------------------------------------------------------------


def test_a_framework_that_assessments_use_takes_a_translation(framework, draft, tmp_path):
    assert framework.is_locked
    path = tmp_path / "es.yaml"
    path.write_text(SPANISH, encoding="utf-8")
    call_command("import_framework", str(path), stdout=StringIO())
    framework.refresh_from_db()
    assert framework.translations["es"]["title"].startswith("Autoevaluación")
    assert commitment(framework).translations["es"]["statement"].startswith("El programa")


def test_a_locked_framework_still_refuses_a_change_of_its_source_text(framework, draft, tmp_path):
    spanish(framework)
    indicator = commitment(framework)
    indicator.statement = "Something else."
    with pytest.raises(FrameworkLocked):
        indicator.save()
    changed = (
        files(tmp_path)
        .read_text(encoding="utf-8")
        .replace("title: Value Curve Equity Self-Assessment", "title: Another title", 1)
    )
    (tmp_path / FRAMEWORK_FILE.name).write_text(changed, encoding="utf-8")
    with pytest.raises(CommandError, match="exists already"):
        call_command(
            "import_framework",
            str(tmp_path / FRAMEWORK_FILE.name),
            "--skip-existing",
            stdout=StringIO(),
        )
    assert commitment(framework).statement != "Something else."


def test_a_copy_as_a_new_version_keeps_the_translations(framework, draft):
    from assessments.framework_io import framework_copy

    spanish(framework)
    copy = framework_copy(framework)
    assert copy.version == 2 and not copy.is_locked
    assert translations_of(copy) == translations_of(framework)
    descriptor = commitment(copy).descriptors.get(level=1)
    assert descriptor.translations["es"]["text"].startswith("Existe un compromiso")


# --- Export ------------------------------------------------------------------------------------


def test_the_translation_exports_in_the_file_format_and_imports_back(framework, tmp_path):
    spanish(framework)
    path = tmp_path / "exported.es.yaml"
    call_command(
        "export_framework", SLUG, "--language", "es", "--output", str(path), stdout=StringIO()
    )
    exported = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert exported["language"] == "es" and exported["title"].startswith("Autoevaluación")
    assert exported["dimensions"][0]["indicators"][0]["levels"] == {
        "regulative": "Existe un compromiso escrito a nivel de la agencia.",
        "generative": "El compromiso se comparte con organizaciones comunitarias.",
    }
    before = translations_of(framework)
    Framework.objects.filter(pk=framework.pk).update(translations={})
    Dimension.objects.filter(framework=framework).update(translations={})
    Indicator.objects.filter(dimension__framework=framework).update(translations={})
    call_command("import_framework", str(path), stdout=StringIO())
    framework.refresh_from_db()
    assert translations_of(framework) == before
    assert before[0] != {}


def test_the_organization_export_carries_the_translations(framework, draft):
    from assessments.portability import organization_export, organization_import

    spanish(framework)
    data = organization_export(draft.program.organization)
    expected = translations_of(framework)
    draft.program.organization.delete()
    Framework.objects.filter(pk=framework.pk).update(slug="moved")  # the import must create one
    organization_import(data)
    imported = Framework.objects.get(slug=SLUG, version=1)
    assert translations_of(imported) == expected


# --- The action-step library -------------------------------------------------------------------


def steps_files(tmp_path, text: str = SPANISH_STEPS):
    path = tmp_path / ACTION_STEPS_FILE.name
    shutil.copy(ACTION_STEPS_FILE, path)
    path.with_name(f"{path.stem}.es.yaml").write_text(text, encoding="utf-8")
    return path


def test_import_action_steps_loads_the_translation_beside_the_file(framework, tmp_path):
    out = StringIO()
    call_command("import_action_steps", str(steps_files(tmp_path)), stdout=out)
    step = ActionStep.objects.get(key="gov-0-adopt-equity-commitment")
    other = ActionStep.objects.get(key="gov-0-check-policies-for-compliance")
    with translation.override("es"):
        assert translated(step, "title") == "Adoptar un compromiso escrito de equidad racial"
        assert translated(other, "title") == other.title
    assert "not translated" in out.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("key: gov-0-adopt", "key: gov-9-adopt"), "“gov-9-adopt-equity-commitment” is not an"),
        (("framework_version: 1", "framework_version: 3"), "framework_version: must be 1"),
        (("    measure:", "    capacity:"), "capacity: is not a field of this file"),
    ],
)
def test_a_bad_action_step_translation_adds_nothing(framework, tmp_path, change, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_action_steps",
            str(steps_files(tmp_path, SPANISH_STEPS.replace(*change, 1))),
            stdout=StringIO(),
        )
    assert not ActionStep.objects.exists()


# --- The shipped translations ------------------------------------------------------------------


def test_the_shipped_translations_import_with_the_shipped_files(db):
    """Once translation files ship beside the framework and the library, they are valid."""
    from assessments.framework_translations import translation_files

    shipped = translation_files(FRAMEWORK_FILE) + translation_files(ACTION_STEPS_FILE)
    if not shipped:
        pytest.skip("no translation file ships yet")
    out = StringIO()
    call_command("import_framework", str(FRAMEWORK_FILE), stdout=out)
    call_command("import_action_steps", str(ACTION_STEPS_FILE), stdout=out)
    assert out.getvalue().count("translation of") == len(shipped)
