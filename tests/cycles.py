"""Cycles and cohort rounds for tests, made as a leader or a facilitator would make them."""

from datetime import date

from assessments.models import Cycle


def cycle_of(owner, name: str) -> Cycle:
    """The organization's cycle of this name (`owner` an organization or one of its programs),
    made if missing: a year's dates when the name starts with a year, else 2026's."""
    organization = getattr(owner, "organization", owner)
    year = int(name[:4]) if name[:4].isdigit() else 2026
    cycle, _ = Cycle.objects.get_or_create(
        organization=organization,
        name=name,
        defaults={"starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31)},
    )
    return cycle


def round_of(cohort, name: str):
    """The cohort's round of this name, made if missing (a year's dates), with the cycle of
    that name of every member linked to it."""
    from cohorts.models import CohortRound, RoundCycle

    year = int(name[:4]) if name[:4].isdigit() else 2026
    cohort_round, _ = CohortRound.objects.get_or_create(
        cohort=cohort,
        name=name,
        defaults={"starts_on": date(year, 2, 1), "ends_on": date(year, 4, 30)},
    )
    for member in cohort.members.select_related("organization"):
        cycle = Cycle.objects.filter(organization=member.organization, name=name).first()
        if cycle is not None:
            RoundCycle.objects.get_or_create(
                round=cohort_round, organization=member.organization, defaults={"cycle": cycle}
            )
    return cohort_round


def new_cycle(name: str) -> dict:
    """The start form's fields for a new calendar-year cycle of this name."""
    year = int(name[:4])
    return {"new_name": name, "new_starts_on": f"{year}-01-01", "new_ends_on": f"{year}-12-31"}
