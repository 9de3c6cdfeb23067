from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.framework_io import (
    FrameworkFileError,
    framework_create,
    framework_matches,
    parse_framework,
)
from assessments.models import Framework


class Command(BaseCommand):
    help = "Import a framework version from one YAML or JSON file (all of it or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing when this slug and version exist with the same content.",
        )

    def handle(self, *args, path: Path, skip_existing: bool, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            data = parse_framework(text)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid framework file:\n{exc}") from None
        existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
        if existing is not None:
            if skip_existing and framework_matches(existing, data):
                self.stdout.write(f"{existing} is already imported.")
                return
            raise CommandError(
                f"{data['slug']} version {data['version']} exists already. "
                "Give the file a new version number to import it as a new version."
            )
        framework = framework_create(data)
        self.stdout.write(self.style.SUCCESS(f"Imported {framework}."))
