"""The zip of a cohort's members' posters, for a convening, built as a background task."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Organization, Program
from cohorts.models import CohortMember, MemberPosterBatch
from cohorts.services import cohort_create, membership_end
from reports.models import PosterBatch
from tests.conftest import make_user
from tests.reports.test_batches import submit
from tests.reports.test_documents import add_housing_measure

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


def start_url(cohort) -> str:
    return reverse("cohorts:poster_batch_start", args=[cohort.pk])


def batch_url(batch, name="poster_batch") -> str:
    return reverse(f"cohorts:{name}", args=[batch.cohort_id, batch.pk])


def download_names(client, batch) -> list[str]:
    download = client.get(batch_url(batch, "poster_batch_download"))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    return sorted(archive.namelist())


def test_a_facilitator_gets_a_zip_of_the_posters_of_members_sharing_their_plans(
    client, facilitator, convening, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(facilitator)
    response = client.post(start_url(convening), {"size": "a3"})
    batch = MemberPosterBatch.objects.get()
    assert response.url == batch_url(batch)
    assert batch.cohort == convening and not PosterBatch.objects.exists()
    assert (batch.status, batch.done, batch.total) == ("done", 3, 3)
    page = client.get(response.url).content.decode()
    assert "3 of 3 posters" in page and "consent covers their action plans" in page
    assert reverse("cohorts:dashboard", args=[convening.pk]) in page
    assert download_names(client, batch) == [
        "alder-house/value-curve-alder-house-program-1-2026-poster-a3.pdf",
        "alder-house/value-curve-alder-house-program-2-2026-poster-a3.pdf",
        "birch-services/value-curve-birch-services-program-1-2026-poster-a3.pdf",
    ]
    download = client.get(batch_url(batch, "poster_batch_download"))
    assert "value-curve-northside-network-posters-a3.zip" in download["Content-Disposition"]


def test_only_the_cohorts_facilitators_build_and_download_its_batches(
    client, facilitator, convening, leader, org
):
    other = make_user("other-facilitator")
    cohort_create(name="Another Network", description="", by=other)
    CohortMember.objects.create(
        cohort=convening, organization=org, status="active", sharing="plans"
    )
    batch = MemberPosterBatch.objects.create(cohort=convening, requested_by=facilitator, size="a3")
    for user in (other, leader):  # a facilitator elsewhere, a member organization's leader
        client.force_login(user)
        assert client.post(start_url(convening), {"size": "a3"}).status_code == 404
        assert client.get(batch_url(batch)).status_code == 404
        assert client.get(batch_url(batch, "poster_batch_download")).status_code == 404
    # Nor does the facilitator see an organization's batches.
    mine = PosterBatch.objects.create(organization=org, requested_by=leader, size="a3")
    client.force_login(facilitator)
    assert client.get(reverse("posters:batch", args=[mine.pk])).status_code == 404
    assert (MemberPosterBatch.objects.count(), PosterBatch.objects.count()) == (1, 1)


def test_a_cohort_batch_of_an_unknown_size_is_refused(client, facilitator, convening):
    client.force_login(facilitator)
    response = client.post(start_url(convening), {"size": "poster-xxl"})
    assert response.url == reverse("cohorts:dashboard", args=[convening.pk])
    assert not MemberPosterBatch.objects.exists()


def test_a_members_batch_belongs_to_a_cohort(db):
    with transaction.atomic(), pytest.raises(IntegrityError):
        MemberPosterBatch.objects.create(size="a3")


@pytest.mark.django_db(transaction=True)
def test_a_member_that_withdraws_before_the_worker_runs_is_left_out(
    client, facilitator, convening, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(facilitator)
    client.post(start_url(convening), {"size": "tabloid"})
    batch = MemberPosterBatch.objects.get()
    assert (batch.status, batch.total) == ("queued", 3)
    alder = CohortMember.objects.get(cohort=convening, organization__name="Alder House")
    membership_end(member=alder, by=facilitator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 1, 1)
    assert download_names(client, batch) == [
        "birch-services/value-curve-birch-services-program-1-2026-poster-tabloid.pdf"
    ]


def zip_texts(client, batch) -> dict[str, str]:
    download = client.get(batch_url(batch, "poster_batch_download"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    return {
        name: " ".join(
            " ".join(
                p.extract_text() for p in PdfReader(io.BytesIO(archive.read(name))).pages
            ).split()
        )
        for name in archive.namelist()
    }


def test_a_members_poster_carries_the_disparity_panel_only_with_consent_to_share_outcomes(
    client, facilitator, convening, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for name in ("Alder House", "Birch Services"):
        for program in Program.objects.filter(organization__name=name):
            add_housing_measure(program)
    CohortMember.objects.filter(organization__name="Birch Services").update(shares_outcomes=True)
    client.force_login(facilitator)
    client.post(start_url(convening), {"size": "a3"})
    texts = zip_texts(client, MemberPosterBatch.objects.get())
    alder = [text for name, text in texts.items() if name.startswith("alder-house/")]
    birch = [text for name, text in texts.items() if name.startswith("birch-services/")]
    assert len(alder) == 2 and len(birch) == 1
    for text in alder:  # shares its plans, not its outcome indices
        assert "Does race still predict" not in text and "Cramér" not in text
        assert "Stable housing at 12 months" not in text
    assert "Does race still predict our outcomes?" in birch[0]
    assert "Stable housing at 12 months" in birch[0]


def test_the_zip_holds_each_programs_newest_cycle_even_one_entered_before_an_older_cycle(
    client, facilitator, convening, framework, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    program = Program.objects.get(organization__name="Birch Services")
    submit(program, framework, facilitator, cycle="2025")  # entered after 2026: back-filled
    client.force_login(facilitator)
    client.post(start_url(convening), {"size": "a3"})
    names = download_names(client, MemberPosterBatch.objects.get())
    assert "birch-services/value-curve-birch-services-program-1-2026-poster-a3.pdf" in names
    assert not any("2025" in name for name in names)
