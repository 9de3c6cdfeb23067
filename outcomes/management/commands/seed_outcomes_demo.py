"""`manage.py seed_outcomes_demo`: outcome data for the demo programs (seed_demo runs it)."""

from django.core.management.base import BaseCommand

from assessments.models import Organization, Program
from outcomes.demo import seed_outcomes
from outcomes.models import OutcomeMeasure

# The hand-written demo organizations' programs; generated ones stay without outcome data.
ORGANIZATIONS = 12


class Command(BaseCommand):
    help = "Give the demo programs outcome measures with disaggregated counts."

    def handle(self, *args, **options) -> None:
        if OutcomeMeasure.objects.exists():
            self.stdout.write("Outcome data already loaded.")
            return
        programs = list(
            Program.objects.filter(organization__in=_first_organizations(ORGANIZATIONS)).order_by(
                "organization__created_at", "created_at"
            )
        )
        seed_outcomes(programs)
        count = OutcomeMeasure.objects.count()
        self.stdout.write(f"Outcome data: {count:,} measures for {len(programs):,} programs.")


def _first_organizations(count: int):
    return Organization.objects.order_by("created_at", "name").values("pk")[:count]
