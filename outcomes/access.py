"""Outcome measures are loaded here, through the user's membership of the program's
organization: viewers read, contributors and leaders enter counts, leaders manage measures."""

import uuid

from django.http import Http404

from assessments.access import Need, _check, membership_for
from assessments.models import Membership
from outcomes.models import OutcomeMeasure


def outcome_measure_for_user(
    user, measure_id: uuid.UUID, need: Need = Need.READ
) -> tuple[OutcomeMeasure, Membership]:
    measure = (
        OutcomeMeasure.objects.select_related("program__organization").filter(pk=measure_id).first()
    )
    if measure is None:
        raise Http404
    return measure, _check(membership_for(user, measure.program.organization_id), need)
