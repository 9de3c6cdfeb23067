"""A leader's zip of every program's poster, built as a background task."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import levels
from assessments.models import Program
from assessments.services import assessment_start, assessment_submit
from reports.models import PosterBatch
from tests.conftest import answer_all
from tests.cycles import cycle_of


def submit(program, framework, leader, cycle="2026"):
    assessment = assessment_start(
        program=program, cycle=cycle_of(program, cycle), framework=framework, by=leader
    )
    answer_all(assessment, levels.COLLABORATIVE)
    assessment_submit(assessment=assessment, expected_version=assessment.version, by=leader)
    return assessment


def test_a_leader_gets_a_zip_of_every_programs_latest_poster(
    client, leader, org, program, framework, action_steps, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = Program.objects.create(organization=org, name="Youth Jobs", service_area="Workforce")
    submit(program, framework, leader, "2025")
    submit(program, framework, leader, "2026")
    submit(other, framework, leader)
    client.force_login(leader)
    response = client.post(reverse("posters:start", args=[org.pk]), {"size": "a3"})
    batch = PosterBatch.objects.get()
    assert response.url == reverse("posters:batch", args=[batch.pk])
    assert (batch.status, batch.done, batch.total) == ("done", 2, 2)
    page = client.get(response.url).content.decode()
    assert "2 of 2 posters" in page
    download = client.get(reverse("posters:download", args=[batch.pk]))
    assert "posters-a3.zip" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith("poster-a3.pdf") for n in names)
    assert "2026" in names[0] or "2026" in names[1]
    assert all(archive.read(n).startswith(b"%PDF") for n in names)


def test_only_leaders_build_and_download_batches(client, viewer, stranger, leader, org):
    batch = PosterBatch.objects.create(organization=org, requested_by=leader, size="a3")
    client.force_login(viewer)
    assert client.post(reverse("posters:start", args=[org.pk]), {"size": "a3"}).status_code == 403
    assert client.get(reverse("posters:batch", args=[batch.pk])).status_code == 403
    client.force_login(stranger)
    assert client.get(reverse("posters:download", args=[batch.pk])).status_code == 404
    assert PosterBatch.objects.count() == 1


def test_an_unknown_size_is_refused(client, leader, org):
    client.force_login(leader)
    response = client.post(reverse("posters:start", args=[org.pk]), {"size": "poster-xxl"})
    assert response.status_code == 302
    assert not PosterBatch.objects.exists()


# The worker closes its database connection when it finishes: a transactional test survives it.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_worker_builds_the_batch_outside_the_request(
    client, leader, org, program, framework, action_steps, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submit(program, framework, leader)
    client.force_login(leader)
    response = client.post(reverse("posters:start", args=[org.pk]), {"size": "tabloid"})
    batch = PosterBatch.objects.get()
    assert (batch.status, batch.done) == ("queued", 0)  # the request only enqueued it
    assert "0 of 1 posters" in client.get(response.url).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 1)


def test_an_organizations_batch_belongs_to_an_organization(db):
    with transaction.atomic(), pytest.raises(IntegrityError):
        PosterBatch.objects.create(size="a3")
