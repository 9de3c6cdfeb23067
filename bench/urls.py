"""The app's URLs and the benchmark's floor page (bench/settings.py only)."""

from django.urls import path

from bench import floor
from valuecurve.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/floor/", floor.floor, name="bench_floor"), *app_urlpatterns]
