"""The report and the posters in the pseudo-locale (tests/pseudo.py): their PDFs' text
(pdftotext) has no word that is neither transformed nor user data. The pages:
tests/test_pseudo_locale.py."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.assessments.test_access import world
from tests.pseudo import CODE, Scan, speak_pseudo, user_data

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test installs it)"
)
__all__ = ["world"]  # the access matrix's cast, used here as a fixture


def pdf_text(content: bytes, folder: Path) -> str:
    path = folder / "document.pdf"
    path.write_bytes(content)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return run.stdout.decode("utf-8")


def test_the_report_and_the_posters_show_only_marked_strings(
    client, world, pseudo_language, tmp_path, capsys
):
    client.force_login(world.users["viewer"])
    speak_pseudo(client)
    urls = [
        reverse("reports:report_pdf", args=[world.submitted.pk]),
        reverse("reports:report_pdf", args=[world.draft.pk]),
        reverse("reports:poster_pdf", args=[world.submitted.pk]) + "?size=tabloid",
        reverse("reports:poster_pdf", args=[world.submitted.pk]) + "?size=a3",
    ]
    scan = Scan(user_data())
    for url in urls:
        # A download is in the language chosen beside it (the organization's by default).
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={CODE}")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        scan.read_document(url, pdf_text(response.content, tmp_path))
    with capsys.disabled():
        print(f"\nPDFs: {scan.figures()} (words, not text nodes)")
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked words:\n{scan.report()}"


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_poster_sizes_its_boxes_with_css_numbers_whatever_the_language(client, world, language):
    """A decimal comma ("2,50in") would be dropped by the PDF's CSS and lose the layout."""
    client.force_login(world.users["viewer"])
    with translation.override(language):
        page = client.get(
            reverse("reports:poster", args=[world.submitted.pk]),
            headers={"accept-language": language},
        ).content.decode()
    lengths = re.findall(r"(?:width|height|font-size): ([^;]*);", page)
    assert len(lengths) >= 8
    assert [v for v in lengths if not re.fullmatch(r"\d+(\.\d+)?(in|pt)", v)] == []
