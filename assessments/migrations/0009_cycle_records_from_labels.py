"""Each organization's cycle labels become Cycle records: one per (organization, label).

Dates come from the label where it names a year ("2026": January 1 to December 31) or a
span of years ("2025-26", "2025/2026": July 1 to June 30, the common fiscal year), otherwise
from the assessments themselves (first started to last submitted or changed). No assessment is
lost or changes its cycle's name; the history rows follow their assessments.
"""

import re
from datetime import date

from django.db import migrations

YEAR = re.compile(r"\s*(\d{4})\s*")
YEARS = re.compile(r"\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*")


def label_dates(label: str, assessments) -> tuple[date, date]:
    if match := YEAR.fullmatch(label):
        year = int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    if match := YEARS.fullmatch(label):
        first, second = int(match[1]), int(match[2])
        second = second if second >= 100 else first // 100 * 100 + second
        if second == first + 1:
            return date(first, 7, 1), date(second, 6, 30)
    started = min(a.created_at for a in assessments).date()
    ended = max((a.submitted_at or a.updated_at) for a in assessments).date()
    return started, max(started, ended)


def labels_to_records(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    HistoricalAssessment = apps.get_model("assessments", "HistoricalAssessment")
    Cycle = apps.get_model("assessments", "Cycle")
    Program = apps.get_model("assessments", "Program")
    groups: dict[tuple, list] = {}
    for assessment in Assessment.objects.select_related("program").order_by("created_at"):
        groups.setdefault((assessment.program.organization_id, assessment.cycle), []).append(
            assessment
        )
    records = {}
    for (organization_id, label), assessments in groups.items():
        starts_on, ends_on = label_dates(label, assessments)
        records[organization_id, label] = cycle = Cycle.objects.create(
            organization_id=organization_id, name=label, starts_on=starts_on, ends_on=ends_on
        )
        Assessment.objects.filter(pk__in=[a.pk for a in assessments]).update(cycle_record=cycle)
    organization_of = dict(Program.objects.values_list("pk", "organization_id"))
    for row in HistoricalAssessment.objects.all().iterator():
        cycle = records.get((organization_of.get(row.program_id), row.cycle))
        if cycle is not None:  # else a deleted assessment's label: its rows keep no cycle
            row.cycle_record_id = cycle.pk
            row.save(update_fields=["cycle_record"])


def records_to_labels(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    HistoricalAssessment = apps.get_model("assessments", "HistoricalAssessment")
    Cycle = apps.get_model("assessments", "Cycle")
    names = dict(Cycle.objects.values_list("pk", "name"))
    for model in (Assessment, HistoricalAssessment):
        for row in model.objects.exclude(cycle_record=None).iterator():
            row.cycle = names[row.cycle_record_id]
            row.save(update_fields=["cycle"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_cycles")]

    operations = [
        # The label's constraint goes first, so that going back restores it after the labels.
        migrations.RemoveConstraint(model_name="assessment", name="one_assessment_per_cycle"),
        migrations.RunPython(labels_to_records, records_to_labels),
    ]
