import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The label gives way to the record: `Assessment.cycle` is now the Cycle."""

    dependencies = [("assessments", "0009_cycle_records_from_labels")]

    operations = [
        # A default, so that going back re-adds the label column before 0009 fills it in.
        *(
            migrations.AlterField(
                model_name=model,
                name="cycle",
                field=models.CharField(default="", max_length=40, verbose_name="cycle"),
            )
            for model in ("assessment", "historicalassessment")
        ),
        migrations.RemoveField(model_name="assessment", name="cycle"),
        migrations.RemoveField(model_name="historicalassessment", name="cycle"),
        migrations.RenameField(model_name="assessment", old_name="cycle_record", new_name="cycle"),
        migrations.RenameField(
            model_name="historicalassessment", old_name="cycle_record", new_name="cycle"
        ),
        migrations.AlterField(
            model_name="assessment",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="assessments",
                to="assessments.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("program", "cycle"), name="one_assessment_per_cycle"
            ),
        ),
        migrations.AlterModelOptions(
            name="assessment",
            options={
                "ordering": ["program", "-cycle__starts_on", "-cycle__ends_on", "-cycle__name"],
                "verbose_name": "assessment",
                "verbose_name_plural": "assessments",
            },
        ),
    ]
