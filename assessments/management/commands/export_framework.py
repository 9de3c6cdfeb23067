from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.framework_io import framework_dump
from assessments.framework_translations import translation_dump
from assessments.models import Framework
from assessments.translated import translation_languages


class Command(BaseCommand):
    help = "Export a framework version as one YAML or JSON file, to edit as a new version."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--framework-version", type=int, help="Defaults to the latest.")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", type=Path, help="Defaults to standard output.")
        parser.add_argument(
            "--language",
            choices=translation_languages(),
            help="Write the translation into this language (<name>.<language>.yaml) instead.",
        )

    def handle(
        self,
        *args,
        slug: str,
        framework_version: int | None,
        format: str,
        output,
        language: str | None,
        **options,
    ):
        frameworks = Framework.objects.filter(slug=slug).order_by("-version")
        if framework_version is not None:
            frameworks = frameworks.filter(version=framework_version)
        framework = frameworks.first()
        if framework is None:
            raise CommandError(
                f"No framework {slug!r}"
                + (f" version {framework_version}" if framework_version else "")
            )
        if language:
            text = translation_dump(framework, language, format)
        else:
            text = framework_dump(framework, format)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {framework} to {output}."))
