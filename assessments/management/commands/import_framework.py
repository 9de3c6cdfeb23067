from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.framework_io import (
    FrameworkFileError,
    framework_create,
    framework_matches,
    parse_framework,
)
from assessments.framework_translations import (
    check_named_language,
    framework_translation_store,
    is_translation,
    parse_framework_translation,
    report,
    translation_files,
)
from assessments.models import Framework


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None


class Command(BaseCommand):
    help = (
        "Import a framework version from one YAML or JSON file (all of it or nothing), with "
        "its translations beside it (<name>.<language>.yaml); or import one translation file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing when this slug and version exist with the same content "
            "(its translations are still imported).",
        )

    @transaction.atomic
    def handle(self, *args, path: Path, skip_existing: bool, **options):
        text = read_text(path)
        if is_translation(text):
            self.import_translation(path, text, None)
            return
        framework = self.import_source(path, text, skip_existing)
        for translation_path, language in translation_files(path):
            text = read_text(translation_path)
            self.import_translation(translation_path, text, framework, language)

    def import_source(self, path: Path, text: str, skip_existing: bool) -> Framework:
        try:
            data = parse_framework(text)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid framework file:\n{exc}") from None
        existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
        if existing is not None:
            if skip_existing and framework_matches(existing, data):
                self.stdout.write(f"{existing} is already imported.")
                return existing
            raise CommandError(
                f"{data['slug']} version {data['version']} exists already. "
                "Give the file a new version number to import it as a new version."
            )
        framework = framework_create(data)
        self.stdout.write(self.style.SUCCESS(f"Imported {framework}."))
        return framework

    def import_translation(
        self, path: Path, text: str, framework: Framework | None, language: str | None = None
    ) -> None:
        if framework is None:
            header = yaml.safe_load(text)
            framework = Framework.objects.filter(
                slug=header.get("slug"), version=header.get("version")
            ).first()
            if framework is None:
                raise CommandError(
                    f"{path}: import framework {header.get('slug')!r} version "
                    f"{header.get('version')!r} first."
                )
        try:
            translation = parse_framework_translation(text, framework)
            check_named_language(path, translation, language)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid translation file:\n{exc}") from None
        framework_translation_store(framework, translation)
        done, missing = report(translation, f"{framework.slug} version {framework.version}")
        self.stdout.write(self.style.SUCCESS(done))
        if missing:
            self.stdout.write(self.style.WARNING(missing))
