"""Choosing the language: the switcher on every page, the choice remembered per user (across
sign-ins) or per browser (cookie), the organization's default, numbers as the language writes
them, and catalogs that compile and are complete."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cohorts.models import Cohort
from cohorts.sharing import Scope
from reports import charts
from tests.conftest import PASSWORD
from valuecurve import languages, numbers
from valuecurve.models import Preferences

LOCALE = Path(__file__).resolve().parent.parent / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
# The language other than the default, whichever settings.LANGUAGES lists.
OTHER = next(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
HTML_LANG = re.compile(r'<html lang="([^"]+)"')

needs_gettext = pytest.mark.skipif(
    not shutil.which("msgfmt"), reason="gettext is not installed (make test installs it)"
)


def html_lang(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)


def switcher(response) -> str:
    """The language form of the page's footer."""
    page = response.content.decode()
    match = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', page, re.S)
    assert match, "the page has no language switcher"
    return match.group(0)


def sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


# --- The switcher ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["login", "about", "signup", "password_reset"])
def test_the_switcher_is_on_the_pages_signed_out_and_keeps_the_page(client, db, name):
    response = client.get(reverse(name))
    form = switcher(response)
    assert f'name="next" value="{reverse(name)}"' in form
    assert 'name="language"' in form and '<label for="language-choice"' in form
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in form
    assert 'type="submit"' in form  # it works without JavaScript


def test_the_switcher_is_on_the_pages_signed_in(client, leader):
    client.force_login(leader)
    response = client.get(reverse("assessments:home"))
    assert response.status_code == 200
    assert f'name="next" value="{reverse("assessments:home")}"' in switcher(response)


def test_the_switcher_keeps_the_query_of_the_page(client, db):
    response = client.get(reverse("about") + "?x=1")
    assert 'name="next" value="/about/?x=1"' in switcher(response)


def test_signed_out_the_choice_is_kept_in_the_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": OTHER, "next": "/about/"})
    assert response.status_code == 302 and response.url == "/about/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == OTHER
    assert html_lang(client.get(reverse("about"))) == OTHER
    assert Preferences.objects.count() == 0


def test_an_unknown_language_changes_nothing_and_is_no_error(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/about/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not Preferences.objects.filter(user=leader).exists()
    assert html_lang(client.get(reverse("about"))) == settings.LANGUAGE_CODE


def test_a_next_to_another_site_is_not_followed(client, db):
    response = client.post(
        reverse("set_language"), {"language": OTHER, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil.example" not in response.url


# --- Remembered per user --------------------------------------------------------------------


def test_signed_in_the_choice_is_saved_for_the_user(client, leader):
    client.force_login(leader)
    client.post(reverse("set_language"), {"language": OTHER, "next": "/"})
    assert Preferences.objects.get(user=leader).language == OTHER
    assert html_lang(client.get(reverse("account"))) == OTHER


def test_the_choice_follows_the_user_to_a_new_sign_in_elsewhere(client, leader):
    Preferences.objects.create(user=leader, language=OTHER)
    # A browser that never chose (no cookie) reads the user's choice once they sign in.
    assert html_lang(client.get(reverse("login"))) == settings.LANGUAGE_CODE
    response = sign_in(client, "leader")
    assert response.status_code == 302
    assert html_lang(client.get(reverse("about"))) == OTHER
    assert html_lang(client.get(reverse("account"))) == OTHER


def test_the_users_choice_wins_over_the_browsers_cookie_once_signed_in(client, leader):
    Preferences.objects.create(user=leader, language=OTHER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = settings.LANGUAGE_CODE
    sign_in(client, "leader")
    assert html_lang(client.get(reverse("about"))) == OTHER


def test_a_user_who_never_chose_reads_the_browsers_language(client, leader):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = OTHER
    sign_in(client, "leader")
    assert html_lang(client.get(reverse("about"))) == OTHER


def test_signing_out_leaves_the_users_language_with_them(client, leader):
    Preferences.objects.create(user=leader, language=OTHER)
    sign_in(client, "leader")
    client.post(reverse("logout"))
    assert html_lang(client.get(reverse("login"))) == settings.LANGUAGE_CODE


def test_the_account_page_has_the_language_choice(client, leader):
    client.force_login(leader)
    page = client.get(reverse("account")).content.decode()
    assert '<label for="account-language"' in page
    assert f'name="next" value="{reverse("account")}"' in page


def test_the_language_can_be_changed_before_the_two_factor_code(client, leader):
    """A user with an authenticator, signed in with the password only, can still read the
    code page in their language."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=leader, name="phone", confirmed=True)
    sign_in(client, "leader")
    response = client.post(reverse("set_language"), {"language": OTHER, "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert Preferences.objects.get(user=leader).language == OTHER


# --- Whose language -------------------------------------------------------------------------


def test_a_reader_reads_their_choice_then_the_organizations_then_the_apps(leader, org):
    assert languages.reader_language(user=leader, organization=org) == settings.LANGUAGE_CODE
    org.language = OTHER
    assert languages.reader_language(user=leader, organization=org) == OTHER
    assert languages.reader_language(email="LEADER@example.org", organization=org) == OTHER
    Preferences.objects.create(user=leader, language=settings.LANGUAGE_CODE)
    assert languages.reader_language(user=leader, organization=org) == settings.LANGUAGE_CODE
    assert languages.reader_language(email="leader@example.org", organization=org) == (
        settings.LANGUAGE_CODE
    )
    assert languages.reader_language(email="new@example.org", default=OTHER) == OTHER


def test_the_organization_profile_sets_its_language(client, leader, org):
    client.force_login(leader)
    page = client.get(reverse("assessments:organization_profile", args=[org.pk]))
    assert 'name="language"' in page.content.decode()
    data = {"name": org.name, "sector": "public", "language": OTHER}
    client.post(reverse("assessments:organization_profile", args=[org.pk]), data)
    org.refresh_from_db()
    assert org.language == OTHER


def test_a_profile_sent_without_a_language_keeps_the_one_it_has(client, leader, org):
    org.language = OTHER
    org.save()
    client.force_login(leader)
    data = {"name": org.name, "sector": "public"}
    client.post(reverse("assessments:organization_profile", args=[org.pk]), data)
    org.refresh_from_db()
    assert org.language == OTHER


def test_an_unknown_organization_language_is_refused_with_a_message(client, leader, org):
    client.force_login(leader)
    data = {"name": org.name, "sector": "public", "language": "xx"}
    response = client.post(reverse("assessments:organization_profile", args=[org.pk]), data)
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.language == settings.LANGUAGE_CODE


def test_a_new_organization_starts_in_its_creators_language(client, leader):
    client.force_login(leader)
    client.post(reverse("set_language"), {"language": OTHER, "next": "/"})
    data = {"name": "Eastside Families", "sector": "nonprofit"}
    client.post(reverse("assessments:organization_create"), data)
    assert leader.memberships.get(organization__name="Eastside Families").organization.language == (
        OTHER
    )


# --- Numbers, charts and caches --------------------------------------------------------------


def test_numbers_and_percentages_follow_the_active_language():
    with translation.override("en"):
        assert (numbers.decimal(2.5), numbers.percent(12.34)) == ("2.50", "12.3%")
    with translation.override("es"):
        assert numbers.decimal(2.5) == "2,50"
        assert numbers.percent(12.34).startswith("12,3")
        assert numbers.decimal(0.25, signed=True) == "+0,25"


def test_charts_write_numbers_as_the_language_does():
    bars = [charts.DimensionBar("Governance", 2, 2.5)]
    with translation.override("es"):
        figure = charts.figure_json(charts.profile_figure(bars))
    assert figure["layout"]["separators"].startswith(",")
    assert "2,50" in figure["layout"]["yaxis"]["ticktext"][0]
    with translation.override("en"):
        figure = charts.figure_json(charts.profile_figure(bars))
    assert figure["layout"]["separators"].startswith(".")
    assert "2.50" in figure["layout"]["yaxis"]["ticktext"][0]


def test_cohort_caches_are_kept_apart_by_language(db):
    scope = Scope(Cohort.objects.create(name="State association"), verified=True)
    with translation.override(settings.LANGUAGE_CODE):
        first = scope.cache_key("dashboard", "2026")
    with translation.override(OTHER):
        other = scope.cache_key("dashboard", "2026")
    assert first != other


def test_no_code_names_a_language_by_hand():
    """Language codes come from settings.LANGUAGES: a new language needs no code change."""
    root = Path(__file__).resolve().parent.parent
    codes = "|".join(code for code, _name in settings.LANGUAGES)
    pattern = re.compile(rf"""["']({codes})["']""")
    found = []
    for folder in ("assessments", "reports", "cohorts", "outcomes", "valuecurve"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert found == []


# --- The catalogs ---------------------------------------------------------------------------


@needs_gettext
@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(LOCALE)))
def test_the_catalog_compiles(catalog, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalog)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def msgfmt_statistics(catalog: Path, out: Path) -> str:
    """msgfmt's count of translated, fuzzy and untranslated entries, in English."""
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", str(out), str(catalog)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "")},
    )
    return result.stderr.strip()


def is_complete(statistics: str) -> bool:
    return "translated message" in statistics and not re.search("fuzzy|untranslated", statistics)


@needs_gettext
@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_catalog_entry_is_translated(catalog, tmp_path):
    """Fails while a catalog has an untranslated or fuzzy entry."""
    statistics = msgfmt_statistics(catalog, tmp_path / "django.mo")
    assert is_complete(statistics), statistics


TINY_CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Report"
msgstr "Informe"

%s
msgid "Poster"
msgstr "%s"
"""


@needs_gettext
def test_the_completeness_check_sees_fuzzy_and_untranslated_entries(tmp_path):
    cases = {"complete": ("", "Póster"), "fuzzy": ("#, fuzzy", "Póster"), "untranslated": ("", "")}
    found = {}
    for name, (flag, translation_) in cases.items():
        catalog = tmp_path / f"{name}.po"
        catalog.write_text(TINY_CATALOG % (flag, translation_), encoding="utf-8")
        found[name] = is_complete(msgfmt_statistics(catalog, tmp_path / f"{name}.mo"))
    assert found == {"complete": True, "fuzzy": False, "untranslated": False}


def test_there_is_a_catalog_for_every_language_but_the_default():
    expected = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert {path.parts[-3] for path in CATALOGS} >= expected
