from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from assessments.action_steps import action_steps_import, parse_action_steps
from assessments.framework_io import FrameworkFileError
from assessments.models import Framework


class Command(BaseCommand):
    help = "Add the steps of an action-step library file to its framework version."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            text = path.read_text(encoding="utf-8")
            header = yaml.safe_load(text) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        framework = Framework.objects.filter(
            slug=header.get("framework"), version=header.get("framework_version")
        ).first()
        if framework is None:
            raise CommandError(
                f"{path}: import framework {header.get('framework')!r} version "
                f"{header.get('framework_version')!r} first."
            )
        try:
            steps = parse_action_steps(text, framework)
        except FrameworkFileError as exc:
            raise CommandError(f"{path} is not a valid action-step file:\n{exc}") from None
        added = action_steps_import(framework, steps)
        self.stdout.write(self.style.SUCCESS(f"{added} action steps added to {framework}."))
