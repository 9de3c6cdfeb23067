"""The queries behind the cohort's pages: a fixed handful, whatever the cohort's size.

Frames are cached per cohort, data version and cycle. The version goes up when a member
submits or reopens an assessment or changes its consent, so a stale table is never read.
"""

import hashlib

import pandas as pd
from django.core.cache import cache

from assessments.models import Assessment, DimensionScore, Indicator
from cohorts import tables
from cohorts.models import Cohort, CohortMember

CACHE_SECONDS = 60 * 60


def cache_key(cohort: Cohort, *parts: object) -> str:
    """Parts such as a cycle or filters are user text: hashed, so the key stays safe."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"cohort:{cohort.pk}:{cohort.data_version}:{digest}"


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _sharing_assessments(cohort: Cohort):
    return Assessment.objects.submitted().filter(
        program__organization__cohort_memberships__cohort=cohort,
        program__organization__cohort_memberships__status=CohortMember.Status.ACTIVE,
    )


def cycles(cohort: Cohort) -> list[str]:
    """The cycles in which sharing members submitted assessments, newest first."""

    def build() -> list[str]:
        found = _sharing_assessments(cohort).values_list("cycle", flat=True).distinct()
        return sorted(set(found), reverse=True)

    return _cached(cache_key(cohort, "cycles"), build)


SCORE_FIELDS = {
    "organization": "assessment__program__organization_id",
    "organization_name": "assessment__program__organization__name",
    "sector": "assessment__program__organization__sector",
    "region": "assessment__program__organization__region",
    "program": "assessment__program_id",
    "program_name": "assessment__program__name",
    "service_area": "assessment__program__service_area",
    "assessment": "assessment_id",
    "cycle": "assessment__cycle",
    "framework": "assessment__framework_id",
    "dimension": "dimension__key",
    "level": "level",
    "index": "index",
}


def cycle_frame(cohort: Cohort, cycle: str) -> pd.DataFrame:
    """One row per (submitted assessment, dimension) of the sharing members in a cycle."""

    def build() -> pd.DataFrame:
        assessments = _sharing_assessments(cohort).filter(cycle=cycle)
        rows = DimensionScore.objects.filter(assessment__in=assessments).values_list(
            *SCORE_FIELDS.values()
        )
        frame = pd.DataFrame.from_records(list(rows), columns=list(SCORE_FIELDS))
        if frame.empty:
            return tables.empty_frame()
        for column in ("organization", "program", "assessment"):
            frame[column] = frame[column].astype(str)
        frame["index"] = frame["index"].astype(float)
        return frame

    return _cached(cache_key(cohort, "frame", cycle), build)


def framework_shapes(framework_ids) -> dict[object, tables.FrameworkShape]:
    rows = (
        Indicator.objects.filter(dimension__framework_id__in=list(framework_ids))
        .values_list(
            "dimension__framework_id",
            "dimension__framework__title",
            "dimension__framework__slug",
            "dimension__framework__version",
            "dimension__key",
            "dimension__name",
            "key",
        )
        .order_by("dimension__order", "order")
    )
    found: dict[object, dict] = {}
    for framework, title, slug, version, dimension, name, indicator in rows:
        shape = found.setdefault(
            framework, {"label": f"{title} v{version}", "slug": slug, "version": version}
        )
        shape.setdefault("names", {})[dimension] = name
        shape.setdefault("dimensions", {}).setdefault(dimension, set()).add(indicator)
    return {
        framework: tables.FrameworkShape(
            shape["label"],
            shape["slug"],
            shape["version"],
            {key: frozenset(keys) for key, keys in shape["dimensions"].items()},
            shape["names"],
        )
        for framework, shape in found.items()
    }
