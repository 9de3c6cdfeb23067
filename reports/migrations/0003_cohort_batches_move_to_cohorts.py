# Cohort batches move to cohorts (MemberPosterBatch): reports no longer depends on cohorts.
# The stored cohort zips are deleted, files included, not moved: they were built when every
# poster carried its disparity panel, whatever the member's consent to share outcome indices.

import django.db.models.deletion
from django.db import migrations, models


def delete_cohort_batches(apps, schema_editor):
    PosterBatch = apps.get_model("reports", "PosterBatch")
    for batch in PosterBatch.objects.filter(cohort__isnull=False):
        if batch.archive:
            batch.archive.delete(save=False)
        batch.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_action_plans'),
        ('reports', '0002_poster_batch_cohort'),
    ]

    operations = [
        migrations.RunPython(delete_cohort_batches, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='posterbatch',
            name='poster_batch_of_organization_or_cohort',
        ),
        migrations.AlterField(
            model_name='posterbatch',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='poster_batches', to='assessments.organization'),
        ),
        migrations.RemoveField(
            model_name='posterbatch',
            name='cohort',
        ),
    ]
