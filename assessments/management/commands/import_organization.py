import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from assessments.portability import OrganizationImportError, organization_import


class Command(BaseCommand):
    help = "Restore an organization from its JSON export (all of it or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = organization_import(data)
        except (OrganizationImportError, DatabaseError, KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"{path} was not imported: {exc}") from None
        for label, count in sorted(result.restored.items()):
            self.stdout.write(f"{label}: {count}")
        for what, count in sorted(result.not_restored.items()):
            self.stdout.write(self.style.WARNING(f"Not restored as it was: {what} ({count})"))
        self.stdout.write(self.style.SUCCESS(f"Imported {result.organization}."))
