"""Every string a page shows is marked for translation: each page of the access matrix
(tests/assessments/test_access.py), for every role, rendered in a pseudo-locale where every
translation is visibly transformed (tests/pseudo.py), shows no word that is neither
transformed nor user data. The cohort pages: tests/cohorts/test_pseudo_locale.py.
"""

import pytest
from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Organization
from tests.assessments.test_access import (
    CASES,
    FILES,
    POST_CASES,
    ROLES,
    post_data,
    prepare,
    url_for,
    world,
)
from tests.pseudo import (
    CODE,
    PROJECT_APPS,
    Scan,
    pseudo,
    speak_pseudo,
    untranslatable_labels,
    user_data,
)

__all__ = ["world"]  # the access matrix's cast, used here as a fixture


def test_the_pseudo_locale_keeps_placeholders_and_tags_and_accents_every_letter():
    assert pseudo("Save draft") == "[Šàṽé ðŕàƒţ]"
    assert pseudo("Hello %(name)s, <strong>{count}</strong> &amp; 50%%") == (
        "[Ĥéļļö %(name)s, <strong>{count}</strong> &amp; 50%%]"
    )
    assert pseudo("%{y:.1f} of %s") == "[%{y:.1f} öƒ %s]"


# Printable pages are documents: in the organization's language unless the link asks another.
DOCUMENT_PAGES = {"reports:report", "reports:poster"}


def render_pages(client, world, role: str) -> list[tuple[str, str]]:
    """Every page of the matrix the role is sent, whatever its status, as HTML."""
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    speak_pseudo(client)
    pages = []
    for case in CASES:
        if case.method != "GET" or case.name in FILES:
            continue
        prepare(client, case, world, role)
        url = url_for(case, world)
        if case.name in DOCUMENT_PAGES:  # in the language chosen for them, as downloads are
            url += f"?lang={CODE}"
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        assert response["Content-Type"].startswith("text/html"), url
        pages.append((f"{url} ({role}, {response.status_code})", response.content.decode()))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_matrix_shows_only_marked_strings(
    client, world, role, pseudo_language, capsys
):
    pages = render_pages(client, world, role)
    scan = Scan(user_data())
    for where, html in pages:
        page = scan.read_html(where, html)
        assert page.lang == CODE, f"{where} is not in the pseudo-locale"
    with capsys.disabled():
        print(f"\n{role}: {scan.figures()} (catalog: {pseudo_language.total} msgids)")
    assert scan.pages >= {"anonymous": 8, "stranger": 10}.get(role, 30)
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked strings:\n{scan.report()}"


def answer_pages(client, world) -> list[tuple[str, str]]:
    """The page each POST of the matrix answers with, once refused (no data) and once done
    (the page it leads to, with its message), by a role that may send it."""
    pages = []
    for case in POST_CASES:
        if case.name == "set_language":  # it changes the language: that is its job
            continue
        role = "anonymous" if case.need in ("public", "guest") else "leader"
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        speak_pseudo(client)
        try:
            with transaction.atomic():
                prepare(client, case, world, role)
        except IntegrityError:
            pass  # what it needs is there already: an earlier POST made it
        url = url_for(case, world)
        for label, data in (("refused", {}), ("done", post_data(case, world))):
            response = client.post(url, data, follow=True)
            assert response.status_code < 500, f"{url} {label}"
            if response["Content-Type"].startswith("text/html"):
                where = f"POST {url} ({role}, {label}, {response.status_code})"
                pages.append((where, response.content.decode()))
    return pages


def test_every_answer_to_a_form_and_every_email_shows_only_marked_strings(
    client, world, pseudo_language, capsys
):
    # Emails are written in their reader's language: here the organizations' own.
    Organization.objects.update(language=CODE)
    pages = answer_pages(client, world)
    scan = Scan(user_data())
    for where, html in pages:
        assert scan.read_html(where, html).lang == CODE, f"{where} is not in the pseudo-locale"
    for message in mail.outbox:
        scan.read_email(f"email to {message.to[0]}", message.subject, message.body)
    with capsys.disabled():
        print(f"\nforms and {len(mail.outbox)} emails: {scan.figures()}")
    assert len(mail.outbox) >= 3
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked strings:\n{scan.report()}"


def test_the_scan_flags_english_and_passes_user_data_numbers_and_pseudo_text():
    scan = Scan(["Riverside County DSS", "people"])
    html = (
        '<html lang="ia"><title>[Ĥöɱé]</title><p>Riverside County DSS · 2026 · 4.5%</p>'
        "<p>People</p><p>Peoples</p><p>Never marked</p><script>var x = 'code';</script>"
        '<img alt="A chart"><input type="submit" value="[Šàṽé]"><input value="typed">'
        '<script type="application/json">{"layout": {"title": {"text": "Rates"}}}</script>'
    )
    page = scan.read_html("page", html)
    assert page.lang == "ia"
    assert [text for text, _ in scan.found()] == ["A chart", "Never marked", "Peoples", "Rates"]
    assert scan.pages == 1


def admin_pages(client, world) -> list[tuple[str, str]]:
    """The admin's index, and the list, the add form and an object's form and history of
    every model of the project that it manages."""
    staff = get_user_model().objects.create_superuser("staff", "staff@example.org", "x" * 20)
    client.force_login(staff)
    speak_pseudo(client)
    urls = [reverse("admin:index")]
    for model in site._registry:
        meta = model._meta
        if meta.app_label not in PROJECT_APPS:
            continue
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model.objects.first()
        if first is not None:
            urls += [reverse(f"{prefix}_change", args=[first.pk])]
            urls += [reverse(f"{prefix}_history", args=[first.pk])]
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            pages.append((f"{url} (staff)", response.content.decode()))
    return pages


def test_every_admin_page_of_the_project_shows_only_marked_strings(
    client, world, pseudo_language, capsys
):
    pages = admin_pages(client, world)
    scan = Scan(user_data() + untranslatable_labels())
    for where, html in pages:
        assert scan.read_html(where, html).lang == CODE, f"{where} is not in the pseudo-locale"
    with capsys.disabled():
        print(f"\nadmin: {scan.figures()}")
    assert scan.pages >= 40
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked strings:\n{scan.report()}"
