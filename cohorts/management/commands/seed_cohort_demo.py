"""`manage.py seed_cohort_demo`: the demo cohort (seed_demo runs it after its own data)."""

from django.core.management.base import BaseCommand

from cohorts.demo import NAME, seed_cohort
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Build the demo cohort of every organization, with the facilitator login."

    def handle(self, *args, **options) -> None:
        if Cohort.objects.filter(name=NAME).exists():
            self.stdout.write("Demo cohort already loaded.")
            return
        cohort = seed_cohort()
        if cohort is None:
            self.stdout.write("No demo facilitator login: run seed_demo first.")
            return
        members = cohort.members.count()
        self.stdout.write(f"Demo cohort: {cohort.name}, {members:,} organizations invited.")
