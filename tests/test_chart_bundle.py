"""Chart pages load a plotly.js bundle of only the app's trace types, built at set-up from npm's
plotly.js (assets/plotly.js), not the full 4.8 MB plotly.min.js; the bundle is the plotly.js
the installed Python plotly writes figures for, and it holds every trace type the app's
figures use. In production WhiteNoise serves it compressed, under a hashed name cached for
good."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import plotly
import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse

from assessments.models import Assessment, Program
from cohorts.models import Cohort
from outcomes.models import OutcomeMeasure
from valuecurve.charts import PLOTLY_BUNDLE, PLOTLY_BUNDLE_TRACES

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_FILE = ROOT / "assets/dist/plotly-valuecurve.min.js"
FULL_BUNDLE_FILE = Path(plotly.__file__).parent / "package_data/plotly.min.js"
FIGURE_DATA = re.compile(r'<script id="([\w-]+)" type="application/json">(.*?)</script>', re.S)


def _plotly_js_version(path: Path) -> str:
    """The version the bundle's head names (npm's builds), else the one its code sets."""
    text = path.read_text(encoding="utf-8")
    named = re.search(r"plotly\.js .*?v(\d+\.\d+\.\d+)", text[:300])
    return named.group(1) if named else re.search(r'\.version="(\d+\.\d+\.\d+)"', text).group(1)


def _bundle_trace_types(path: Path) -> set[str]:
    """The trace modules the bundle registers, read from its code."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def test_the_bundle_is_the_plotly_js_python_plotly_writes_figures_for():
    assert _plotly_js_version(BUNDLE_FILE) == _plotly_js_version(FULL_BUNDLE_FILE)
    assert BUNDLE_FILE.stat().st_size < FULL_BUNDLE_FILE.stat().st_size / 4


def test_the_bundle_is_built_from_the_npm_package_python_plotly_writes_figures_for():
    package = json.loads((ROOT / "node_modules/plotly.js/package.json").read_text())
    assert package["version"] == _plotly_js_version(FULL_BUNDLE_FILE)
    declared = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert declared["dependencies"]["plotly.js"] == package["version"]
    assert "assets/plotly.js" in declared["scripts"]["build"]
    assert str(BUNDLE_FILE.relative_to(ROOT)) in declared["scripts"]["build"]


def test_static_files_offer_the_partial_bundle_and_not_the_full_one():
    from django.contrib.staticfiles import finders

    assert Path(finders.find(PLOTLY_BUNDLE)) == BUNDLE_FILE
    assert finders.find("vendor/plotly/plotly.min.js") is None


def test_the_trace_types_kept_beside_the_bundle_choice_are_those_it_holds():
    types = _bundle_trace_types(BUNDLE_FILE)
    assert types == PLOTLY_BUNDLE_TRACES
    # The reading finds trace modules: the full bundle has these and many more.
    full = _bundle_trace_types(FULL_BUNDLE_FILE)
    assert types < full and len(full) > 10 * len(types)


@pytest.fixture
def demo(framework, action_steps):
    call_command("seed_demo", orgs=6, programs=1, cycles=3, stdout=StringIO())


def _chart_pages() -> dict[str, tuple[str, str]]:
    """Every page that draws charts, as (user, url), on the demo's data."""
    program = Program.objects.filter(organization__memberships__user__username="leader").first()
    latest = Assessment.objects.filter(program=program, status="submitted").latest("submitted_at")
    measure = OutcomeMeasure.objects.filter(counts__isnull=False).first()
    cohort = Cohort.objects.get()
    return {
        "results": ("leader", reverse("reports:results", args=[latest.pk])),
        "program": ("leader", reverse("assessments:program", args=[program.pk])),
        "measure": (
            measure.program.organization.memberships.filter(role="leader").first().user.username,
            reverse("outcomes:measure", args=[measure.pk]),
        ),
        "cohort dashboard": ("facilitator", reverse("cohorts:dashboard", args=[cohort.pk])),
    }


@pytest.mark.django_db
def test_chart_pages_load_the_partial_bundle_holding_every_trace_type_they_draw(client, demo):
    from django.contrib.auth import get_user_model

    drawn = {}
    for name, (username, url) in _chart_pages().items():
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get(url).content.decode()
        assert f'data-plotly="{static(PLOTLY_BUNDLE)}"' in page, name
        assert "plotly.min.js" not in page, name
        figures = {key: json.loads(text) for key, text in FIGURE_DATA.findall(page)}
        charts = {key: f for key, f in figures.items() if "data" in f and "layout" in f}
        assert charts, f"{name} draws no chart"
        for key, figure in charts.items():
            drawn[f"{name}: {key}"] = {trace.get("type", "scatter") for trace in figure["data"]}
    missing = {chart: types - PLOTLY_BUNDLE_TRACES for chart, types in drawn.items()}
    assert {chart: types for chart, types in missing.items() if types} == {}
    # Every kind of chart the app has is among those checked.
    assert set().union(*drawn.values()) == {"bar", "heatmap", "scatter"}
    assert len(drawn) >= 9, sorted(drawn)


@pytest.mark.django_db
def test_chart_pages_are_whole_without_javascript_each_chart_drawn_on_the_server(client, demo):
    """Each chart's box holds its drawing at every width (static SVG from the same figure
    data), so plotly.js loads only when someone points at a chart."""
    from django.contrib.auth import get_user_model

    from valuecurve.templatetags.static_charts import WIDTHS

    for name, (username, url) in _chart_pages().items():
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get(url).content.decode()
        boxes = re.findall(r'<div class="chart" data-chart="([\w-]+)"[^>]*>(.*?)</div>', page, re.S)
        assert boxes, name
        for key, inside in boxes:
            widths = re.findall(r'<svg [^>]*class="chart-static w(\d+)" aria-hidden="true"', inside)
            assert widths == [str(w) for w in WIDTHS], f"{name}: {key}"
            assert f'id="{key}"' in page  # the figure data plotly.js redraws it from


def test_production_keeps_static_files_compressed_and_hashed_and_serves_them_itself():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND']); print(settings.MIDDLEWARE[1])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "valuecurve.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-test-only-production-key-for-the-static-settings-5b1f9e0c7a2d4e8f",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_whitenoise_serves_the_bundle_compressed_under_a_name_cached_for_good(settings, tmp_path):
    """The production storage collects the bundle (only it, to keep the test light) and
    WhiteNoise answers a browser's request for it."""
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_DIRS = [("vendor/plotly", BUNDLE_FILE.parent)]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static(PLOTLY_BUNDLE)
    assert re.fullmatch(r"/static/vendor/plotly/plotly-valuecurve\.min\.[0-9a-f]{12}\.js", url)

    middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not served as a static file"))
    request = RequestFactory().get(url, headers={"accept-encoding": "gzip, deflate"})
    response = middleware(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    sent = b"".join(response.streaming_content)
    assert len(sent) < BUNDLE_FILE.stat().st_size / 2  # what travels is compressed
