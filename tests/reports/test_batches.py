"""A leader's zip of every program's poster, built as a background task."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import levels
from assessments.models import Organization, Program
from assessments.services import assessment_start, assessment_submit
from cohorts.models import CohortMember
from cohorts.services import cohort_create, membership_end
from reports.batches import batch_start
from reports.models import PosterBatch
from tests.conftest import answer_all, make_user


def submit(program, framework, leader, cycle="2026"):
    assessment = assessment_start(program=program, cycle=cycle, framework=framework, by=leader)
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


# --- A cohort's batch, for a convening ---------------------------------------------------------


def cohort_member(cohort, name, framework, by, status="active", sharing="plans", programs=1):
    organization = Organization.objects.create(name=name, sector="nonprofit")
    for n in range(programs):
        program = Program.objects.create(organization=organization, name=f"Program {n + 1}")
        submit(program, framework, by)
    CohortMember.objects.create(
        cohort=cohort, organization=organization, status=status, sharing=sharing
    )
    return organization


@pytest.fixture
def facilitator(db):
    return make_user("facilitator")


@pytest.fixture
def convening(facilitator, framework, action_steps):
    """A cohort: two members sharing their plans, one only its levels, one that withdrew,
    one still invited."""
    cohort = cohort_create(name="Northside Network", description="", by=facilitator)
    cohort_member(cohort, "Alder House", framework, facilitator, programs=2)
    cohort_member(cohort, "Birch Services", framework, facilitator, sharing="everything")
    cohort_member(cohort, "Cedar Levels", framework, facilitator, sharing="levels")
    cohort_member(cohort, "Dogwood Gone", framework, facilitator, status="withdrawn", sharing="")
    cohort_member(cohort, "Elm Invited", framework, facilitator, status="invited", sharing="")
    return cohort


def download_names(client, batch) -> list[str]:
    download = client.get(reverse("posters:download", args=[batch.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    return sorted(archive.namelist())


def test_a_facilitator_gets_a_zip_of_the_posters_of_members_sharing_their_plans(
    client, facilitator, convening, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(facilitator)
    response = client.post(reverse("posters:cohort_start", args=[convening.pk]), {"size": "a3"})
    batch = PosterBatch.objects.get()
    assert response.url == reverse("posters:batch", args=[batch.pk])
    assert (batch.cohort, batch.organization) == (convening, None)
    assert (batch.status, batch.done, batch.total) == ("done", 3, 3)
    page = client.get(response.url).content.decode()
    assert "3 of 3 posters" in page and "consent covers their action plans" in page
    assert reverse("cohorts:dashboard", args=[convening.pk]) in page
    assert download_names(client, batch) == [
        "alder-house/value-curve-alder-house-program-1-2026-poster-a3.pdf",
        "alder-house/value-curve-alder-house-program-2-2026-poster-a3.pdf",
        "birch-services/value-curve-birch-services-program-1-2026-poster-a3.pdf",
    ]
    download = client.get(reverse("posters:download", args=[batch.pk]))
    assert "value-curve-northside-network-posters-a3.zip" in download["Content-Disposition"]


def test_only_the_cohorts_facilitators_build_and_download_its_batches(
    client, facilitator, convening, leader, org
):
    other = make_user("other-facilitator")
    cohort_create(name="Another Network", description="", by=other)
    CohortMember.objects.create(
        cohort=convening, organization=org, status="active", sharing="plans"
    )
    batch = PosterBatch.objects.create(cohort=convening, requested_by=facilitator, size="a3")
    for user in (other, leader):  # a facilitator elsewhere, a member organization's leader
        client.force_login(user)
        start = reverse("posters:cohort_start", args=[convening.pk])
        assert client.post(start, {"size": "a3"}).status_code == 404
        assert client.get(reverse("posters:batch", args=[batch.pk])).status_code == 404
        assert client.get(reverse("posters:download", args=[batch.pk])).status_code == 404
    # Nor does the facilitator see an organization's batches.
    mine = PosterBatch.objects.create(organization=org, requested_by=leader, size="a3")
    client.force_login(facilitator)
    assert client.get(reverse("posters:batch", args=[mine.pk])).status_code == 404
    assert PosterBatch.objects.count() == 2


def test_a_cohort_batch_of_an_unknown_size_is_refused(client, facilitator, convening):
    client.force_login(facilitator)
    start = reverse("posters:cohort_start", args=[convening.pk])
    response = client.post(start, {"size": "poster-xxl"})
    assert response.url == reverse("cohorts:dashboard", args=[convening.pk])
    assert not PosterBatch.objects.exists()


def test_a_batch_belongs_to_an_organization_or_a_cohort(facilitator, convening, org):
    with pytest.raises(ValueError):
        batch_start(size_key="a3", by=facilitator, organization=org, cohort=convening)
    with pytest.raises(ValueError):
        batch_start(size_key="a3", by=facilitator)
    with transaction.atomic(), pytest.raises(IntegrityError):
        PosterBatch.objects.create(size="a3")


@pytest.mark.django_db(transaction=True)
def test_a_member_that_withdraws_before_the_worker_runs_is_left_out(
    client, facilitator, convening, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(facilitator)
    client.post(reverse("posters:cohort_start", args=[convening.pk]), {"size": "tabloid"})
    batch = PosterBatch.objects.get()
    assert (batch.status, batch.total) == ("queued", 3)
    alder = CohortMember.objects.get(cohort=convening, organization__name="Alder House")
    membership_end(member=alder, by=facilitator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 1, 1)
    assert download_names(client, batch) == [
        "birch-services/value-curve-birch-services-program-1-2026-poster-tabloid.pdf"
    ]
