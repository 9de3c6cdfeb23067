"""Each cohort gets a round for every cycle name its members assessed in (before rounds, a
cohort compared members by cycle label), with each member's cycle of that name linked to it.
The round's dates span its members' cycles."""

from django.db import migrations


def rounds_from_cycles(apps, schema_editor):
    Cohort = apps.get_model("cohorts", "Cohort")
    CohortRound = apps.get_model("cohorts", "CohortRound")
    RoundCycle = apps.get_model("cohorts", "RoundCycle")
    Cycle = apps.get_model("assessments", "Cycle")
    for cohort in Cohort.objects.all():
        organizations = cohort.members.values("organization")
        cycles = Cycle.objects.filter(organization__in=organizations, assessments__isnull=False)
        by_name: dict[str, list] = {}
        for cycle in cycles.distinct().order_by("starts_on", "name"):
            by_name.setdefault(cycle.name, []).append(cycle)
        for name, members_cycles in by_name.items():
            cohort_round = CohortRound.objects.create(
                cohort=cohort,
                name=name,
                starts_on=min(c.starts_on for c in members_cycles),
                ends_on=max(c.ends_on for c in members_cycles),
            )
            RoundCycle.objects.bulk_create(
                RoundCycle(round=cohort_round, organization_id=c.organization_id, cycle=c)
                for c in members_cycles
            )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0006_cohort_rounds")]

    operations = [migrations.RunPython(rounds_from_cycles, migrations.RunPython.noop)]
