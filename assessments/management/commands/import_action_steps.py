from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.action_steps import action_steps_import, parse_action_steps
from assessments.framework_io import FrameworkFileError
from assessments.framework_translations import (
    action_step_translation_store,
    check_named_language,
    is_translation,
    parse_action_step_translation,
    report,
    translation_files,
)
from assessments.models import Framework


class Command(BaseCommand):
    help = (
        "Add the steps of an action-step library file to its framework version, and load the "
        "translations beside it (<name>.<language>.yaml); or import one translation file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    @transaction.atomic
    def handle(self, *args, path: Path, **options):
        text, framework = self.read(path)
        if is_translation(text):
            self.import_translation(path, text, framework)
            return
        try:
            steps = parse_action_steps(text, framework)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid action-step file:\n{exc}") from None
        added = action_steps_import(framework, steps)
        self.stdout.write(self.style.SUCCESS(f"{added} action steps added to {framework}."))
        for translation_path, language in translation_files(path):
            try:
                translation_text = translation_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {translation_path}: {exc}") from None
            self.import_translation(translation_path, translation_text, framework, language)

    def read(self, path: Path) -> tuple[str, Framework]:
        try:
            text = path.read_text(encoding="utf-8")
            header = yaml.safe_load(text) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        if not isinstance(header, dict):
            raise CommandError(f"{path} is not an action-step file.")
        framework = Framework.objects.filter(
            # A missing version matches no framework.
            slug=header.get("framework"),
            version=header.get("framework_version"),  # type: ignore[misc]
        ).first()
        if framework is None:
            raise CommandError(
                f"{path}: import framework {header.get('framework')!r} version "
                f"{header.get('framework_version')!r} first."
            )
        return text, framework

    def import_translation(
        self, path: Path, text: str, framework: Framework, language: str | None = None
    ) -> None:
        try:
            translation = parse_action_step_translation(text, framework)
            check_named_language(path, translation, language)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid translation file:\n{exc}") from None
        action_step_translation_store(framework, translation)
        done, missing = report(
            translation, f"the action steps of {framework.slug} version {framework.version}"
        )
        self.stdout.write(self.style.SUCCESS(done))
        if missing:
            self.stdout.write(self.style.WARNING(missing))
