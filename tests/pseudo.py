"""A pseudo-locale in which every translation is visibly transformed, to find strings that
were never marked for translation.

At test time the project's strings are extracted as `makemessages` does (into a temporary
folder, never the real catalog), joined with the catalogs of Django and the installed apps,
and each msgstr is the msgid with every ASCII letter swapped for an accented one and the whole
put in brackets ("Save draft" -> "[Šàṽé ðŕàƒţ]"), placeholders (%(name)s, {name}, %{y}),
HTML tags and entities kept. The catalog is compiled and offered under a language code
Django knows and the app does not offer. On a page rendered in it, any ASCII word that is
not user data (a value stored in the database) was never marked.

`pseudo_language` (a fixture) turns it on; `Scan` reads pages and PDFs and lists what it
finds. Used by tests/test_pseudo_locale.py and tests/cohorts/test_pseudo_locale.py.
"""

import gettext
import json
import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext_lazy, trans_real

ROOT = Path(__file__).resolve().parents[1]
# Django knows Interlingua and the app does not offer it; Django has no date formats for it,
# so dates are written as in English, with the catalog's month names.
CODE = "ia"
PROJECT_APPS = ["assessments", "reports", "cohorts", "outcomes", "surveys", "valuecurve"]
SOURCES = [
    "assessments",
    "cohorts",
    "outcomes",
    "reports",
    "surveys",
    "templates",
    "valuecurve",
]
LOWER = "àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýž"
UPPER = "ÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
ACCENTS = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", LOWER + UPPER)
# What a translation keeps as it is: printf and brace placeholders, plotly's %{...}, HTML
# tags and entities.
KEPT = re.compile(
    r"%\{[^}]*\}"
    r"|%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"
    r"|\{[\w.:\[\]]*\}"
    r"|<[^>]*>"
    r"|&(?:\w+|#\d+|#x[0-9a-fA-F]+);"
)
WORD = re.compile(r"[A-Za-z]+")
TAG = re.compile(r"<[^>]*>")
HYPHENATED = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
LINK = re.compile(r"https?://\S+")
PLOTLY_FIELD = re.compile(r"%\{[^}]*\}")
# Keys and codes (a two-factor secret), not words: 16 letters and digits or more, with a digit.
CODE_TOKEN = re.compile(r"https?://\S+|\b(?=[A-Za-z]*\d)[A-Za-z0-9]{16,}\b")  # links, codes


def pseudo(text: str) -> str:
    """The msgid with its letters accented and brackets around it, placeholders kept."""
    if not text:
        return text
    parts, last = [], 0
    for match in KEPT.finditer(text):
        parts.append(text[last : match.start()].translate(ACCENTS))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(ACCENTS))
    return "[" + "".join(parts) + "]"


# --- The catalog -------------------------------------------------------------------------------


def extract_project(folder: Path) -> Path:
    """The project's msgids, as `makemessages` finds them, in a .po file under `folder`: the
    sources are linked into a folder of their own so the real catalog is never written."""
    source = folder / "source"
    source.mkdir()
    for name in SOURCES:
        (source / name).symlink_to(ROOT / name)
    locale = folder / "extracted"
    cwd = os.getcwd()
    saved = settings.LOCALE_PATHS
    try:
        os.chdir(source)
        settings.LOCALE_PATHS = [str(locale)]
        call_command("makemessages", locale=[CODE], symlinks=True, verbosity=0)
        call_command("makemessages", locale=[CODE], symlinks=True, verbosity=0, domain="djangojs")
    finally:
        os.chdir(cwd)
        settings.LOCALE_PATHS = saved
    return locale / CODE / "LC_MESSAGES"


def installed_catalogs() -> list[Path]:
    """A .po file of Django and of each installed app that has one (English, else Spanish,
    else any):
    their msgids are what Django and those apps show."""
    folders = [Path(trans_real.__file__).parents[2] / "conf/locale"]
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    found = []
    for folder in folders:
        languages = ["en", "es", *sorted(path.name for path in folder.glob("*"))]
        for language in languages:
            po_files = sorted((folder / language / "LC_MESSAGES").glob("*.po"))
            if po_files:
                found += po_files
                break
    return found


# What Django's admin and simple_history's history pages write without marking it: the alt
# text of the admin's search icon, and stored values as Python writes them (the boolean
# icons' alt text, the history's "None → ..." changes).
ADMIN_UNMARKED = ["Search", "True", "False", "None"]


def untranslatable_labels() -> list[str]:
    """The names of the installed apps that ship no catalog at all, and of their models, and
    what Django's admin leaves unmarked: no translation of this project can reach them."""
    labels = []
    for app in apps.get_app_configs():
        if not isinstance(app.verbose_name, Promise):
            labels.append(str(app.verbose_name))  # a proper name ("Axes")
        if not (Path(app.path) / "locale").is_dir() and app.label not in PROJECT_APPS:
            labels.append(str(app.verbose_name))
            for model in app.get_models():
                labels += [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    return labels + ADMIN_UNMARKED


def msgids(po_files: list[Path], folder: Path) -> dict:
    """Every msgid of these files (the first file's entry wins), read as gettext reads a
    compiled catalog whose msgstrs are the msgids (msgen):
    {msgid or "context\\x04msgid" or (msgid, n): English}."""
    missing = {tool for tool in ("msgen", "msgfmt") if shutil.which(tool) is None}
    assert not missing, f"GNU gettext is needed for the pseudo-locale ({missing})"
    folder.mkdir(parents=True, exist_ok=True)
    found: dict = {}
    for number, po_file in enumerate(po_files):
        english, compiled = folder / f"{number}.po", folder / f"{number}.mo"
        subprocess.run(["msgen", "-o", english, po_file], check=True, timeout=120)
        subprocess.run(["msgfmt", "-o", compiled, english], check=True, timeout=120)
        with compiled.open("rb") as file:
            catalog = gettext.GNUTranslations(file)._catalog
        found = {key: value for key, value in catalog.items() if key != ""} | found
    return found


def mo_entries(english: dict) -> dict[str, str]:
    """The .mo entries of the pseudo catalog: plural forms joined as .mo files join them."""
    singular: dict[str, str] = {}
    plurals: dict[str, dict[int, str]] = {}
    for key, text in english.items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = text
        else:
            singular[key] = pseudo(text)
    for msgid, forms in plurals.items():
        # msgen set msgstr[0] to the singular and msgstr[1] to the plural.
        singular[msgid + "\x00" + forms[1]] = "\x00".join(pseudo(forms[n]) for n in sorted(forms))
    singular[""] = (
        "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    )
    return singular


def write_mo(entries: dict[str, str], path: Path) -> None:
    """A GNU .mo file of these entries (the format gettext documents)."""
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    count = len(keys)
    start = 7 * 4 + 16 * count
    id_blob = b"".join(text + b"\x00" for text in ids)
    str_blob = b"".join(text + b"\x00" for text in strs)
    tables, offset = [], start
    for text in ids:
        tables += [len(text), offset]
        offset += len(text) + 1
    for text in strs:
        tables += [len(text), offset]
        offset += len(text) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"<{4 * count}I", *tables) + id_blob + str_blob)


@dataclass
class Catalog:
    folder: Path  # a LOCALE_PATHS entry
    project: int  # msgids extracted from the project
    total: int  # with Django's and the apps'


@pytest.fixture(scope="session")
def pseudo_catalog(tmp_path_factory) -> Catalog:
    work = tmp_path_factory.mktemp("pseudo")
    extracted = extract_project(work)
    project = msgids(sorted(extracted.glob("*.po")), work / "project")
    english = msgids([*sorted(extracted.glob("*.po")), *installed_catalogs()], work / "all")
    folder = work / "locale"
    entries = mo_entries(english)
    for domain in ("django", "djangojs"):
        write_mo(entries, folder / CODE / "LC_MESSAGES" / f"{domain}.mo")
    return Catalog(folder=folder, project=len(project), total=len(english))


@pytest.fixture
def pseudo_language(settings, pseudo_catalog) -> Catalog:
    """The pseudo-locale offered and its catalog first; Django's translation caches cleared
    before and after, so no other test sees it."""
    # Named lazily as settings names the app's languages, with the name Django translates.
    settings.LANGUAGES = [*settings.LANGUAGES, (CODE, gettext_lazy("Interlingua"))]
    settings.LOCALE_PATHS = [str(pseudo_catalog.folder), *settings.LOCALE_PATHS]
    _forget_translations()
    yield pseudo_catalog
    translation.deactivate()
    _forget_translations()


def _forget_translations() -> None:
    trans_real._translations = {}
    trans_real._active = trans_real.Local()
    trans_real._default = None
    trans_real.translation_catalog_exists.cache_clear()


def speak_pseudo(client) -> None:
    """Make the test client ask for the pseudo-locale, as a browser set to it would."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = CODE
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = CODE


# --- User data ----------------------------------------------------------------------------------

# Apps whose rows are people's and organizations' data (framework content included: it has
# a translation mechanism of its own).
DATA_APPS = {*PROJECT_APPS, "auth"}
NOT_DATA = {("auth", "permission"), ("auth", "user", "password")}


def user_data() -> list[str]:
    """Every text stored in the database that a page may show as it is: the values of the
    text fields without choices (a choice's label is translated), longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in DATA_APPS or (meta.app_label, meta.model_name) in NOT_DATA:
            continue
        for model_field in meta.concrete_fields:
            if (meta.app_label, meta.model_name, model_field.name) in NOT_DATA:
                continue
            if isinstance(model_field, models.JSONField):
                for value in model.objects.values_list(model_field.attname, flat=True):
                    values.update(_strings(value))
            elif _is_free_text(model_field):
                column = model.objects.values_list(model_field.attname, flat=True)
                values.update(v for v in column.distinct() if v)
    # The language switcher names each language in that language, so a reader finds theirs.
    values.update(get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES)
    # The single sign-on providers' names are the site's configuration (SSO_<NAME>_LABEL).
    values.update(app["name"] for app in settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])
    return sorted(values, key=len, reverse=True)


def _is_free_text(model_field) -> bool:
    text = isinstance(model_field, models.CharField | models.TextField)
    return text and not model_field.choices


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


# --- Reading pages ------------------------------------------------------------------------------

SKIPPED = {"script", "style"}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
BUTTON_INPUTS = {"submit", "button", "reset"}
CHART_KEYS = {"text", "name", "hovertemplate", "ticktext", "texttemplate", "x", "y"}


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes outside script and style, the attributes
    that are shown or spoken, and the titles, labels and categories of plotly charts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang: str | None = None
        self._skipping: list[str] = []
        self._chart = False
        self.drawings = 0
        self.figures = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag in SKIPPED:
            self._skipping.append(tag)
            self._chart = attributes.get("type") == "application/json"
        if tag == "svg" and (attributes.get("class") or "").startswith("chart-static "):
            # The server's drawing of a chart, line by line, from the figure whose words are
            # read whole from its JSON block (a page with this drawing and no block fails).
            self._skipping.append(tag)
            self.drawings += 1
        for name in READ_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS:
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
            self._chart = False

    def handle_data(self, data):
        if self._chart:
            self.figures += 1
            self.texts += chart_texts(json.loads(data))
        elif not self._skipping:
            self.texts.append(data)


def chart_texts(figure) -> list[str]:
    """The strings a plotly figure shows: titles, trace names, hover templates, tick labels
    and text categories."""
    found = []
    if isinstance(figure, dict):
        for key, value in figure.items():
            if key in CHART_KEYS:
                texts = _strings(value)
                found += [PLOTLY_FIELD.sub(" ", TAG.sub(" ", text)) for text in texts]
            found += chart_texts(value)
    elif isinstance(figure, list):
        for item in figure:
            found += chart_texts(item)
    return found


@dataclass
class Scan:
    """What the pages read so far showed: their count, the text nodes and what was never
    marked, with where it was seen."""

    data: list[str]
    pages: int = 0
    texts: int = 0
    unmarked: dict[str, set[str]] = field(default_factory=dict)
    _data_pattern: re.Pattern | None = None

    def read_html(self, where: str, html: str) -> VisibleText:
        parser = VisibleText()
        parser.feed(html)
        assert not parser.drawings or parser.figures, f"{where}: a chart drawn with no figure"
        self.pages += 1
        for text in parser.texts:
            self.read_text(where, text)
        return parser

    def read_email(self, where: str, subject: str, body: str) -> None:
        """An email's subject and each line of its body; links are not words."""
        self.pages += 1
        for line in [subject, *body.splitlines()]:
            self.read_text(where, LINK.sub(" ", line))

    def read_document(self, where: str, text: str) -> None:
        """A whole document's text (a PDF's, whose lines wrap, hyphenate and interleave
        columns anywhere): each word left once the user data is taken out, and that is not a
        word of the user data either, is listed with a few words around it."""
        self.pages += 1
        text = " ".join(text.split())
        self.texts += len(text.split())
        rest = CODE_TOKEN.sub(" ", self._without_data(text))
        data_words = self._data_words()
        for match in WORD.finditer(rest):
            if match.group().lower() in data_words:
                continue
            context = rest[max(0, match.start() - 30) : match.end() + 30]
            self.unmarked.setdefault(" ".join(context.split()), set()).add(where)

    def read_text(self, where: str, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self.texts += 1
        if WORD.search(text) and WORD.search(CODE_TOKEN.sub(" ", self._without_data(text))):
            self.unmarked.setdefault(text, set()).add(where)

    def _without_data(self, text: str) -> str:
        if self._data_pattern is None:
            flat = sorted({" ".join(v.split()) for v in self.data}, key=len, reverse=True)
            # A value as a whole (capitalized or not), never part of a longer word.
            alternatives = "|".join(re.escape(value) for value in flat if value)
            pattern = rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])" if flat else r"(?!)"
            self._data_pattern = re.compile(pattern, re.IGNORECASE)
        return self._data_pattern.sub(" ", text)

    def _data_words(self) -> set[str]:
        """The words of the user data, lowercase, hyphenated ones also as one word (as
        pdftotext joins a word hyphenated at the end of a line)."""
        words = set()
        for value in self.data:
            for word in HYPHENATED.findall(value):
                words.update(part.lower() for part in word.split("-"))
                words.add(word.replace("-", "").lower())
        return words

    def report(self) -> str:
        lines = [f"{text!r} on {', '.join(sorted(where)[:3])}" for text, where in self.found()]
        return "\n".join(lines)

    def found(self) -> list[tuple[str, set[str]]]:
        return sorted(self.unmarked.items())

    def figures(self) -> str:
        return (
            f"pseudo-locale: {self.pages} pages, {self.texts} text nodes checked, "
            f"{len(self.unmarked)} unmarked"
        )
