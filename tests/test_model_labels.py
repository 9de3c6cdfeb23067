"""The admin's own labels for this project's models are translated: every model's names,
every field's name and every choice's label are marked for translation (so the admin, and any
form built from a model, reads in the user's language). The admin's pages in the
pseudo-locale: tests/test_pseudo_locale.py."""

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from tests.pseudo import PROJECT_APPS


def project_models() -> list:
    """The project's own models; the history tables simple_history makes are named after them."""
    found = []
    for label in PROJECT_APPS:
        found += [m for m in apps.get_app_config(label).get_models() if not _is_history(m)]
    return found


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")


def unmarked_labels(model) -> list[str]:
    meta = model._meta
    found = []
    for name in ("verbose_name", "verbose_name_plural"):
        if not isinstance(meta.original_attrs.get(name), Promise):
            found.append(f"{meta.label}.{name}")
    for field in meta.get_fields(include_hidden=False):
        if field.auto_created or not field.concrete and not field.many_to_many:
            continue
        if not isinstance(field.verbose_name, Promise):
            found.append(f"{meta.label}.{field.name}")
        for value, label in field.flatchoices or []:
            if not isinstance(label, Promise):
                found.append(f"{meta.label}.{field.name} choice {value!r}")
    return found


def test_every_model_field_and_choice_of_the_project_has_a_translated_label():
    models = project_models()
    assert len(models) >= 25
    found = [label for model in models for label in unmarked_labels(model)]
    assert found == [], f"{len(found)} labels are not marked for translation:\n" + "\n".join(found)


def test_every_model_of_the_project_names_its_objects_for_the_admin():
    """Not Django's untranslated "Answer object (1)" in the admin's titles and inlines."""
    unnamed = [m.__name__ for m in project_models() if m.__str__ is models.Model.__str__]
    assert unnamed == []
