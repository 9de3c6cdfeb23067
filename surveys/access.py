"""Surveys are loaded here, through the user's membership of the program's organization:
viewers read, contributors and leaders enter paper answers, leaders manage surveys."""

import uuid

from django.http import Http404

from assessments.access import Need, _check, membership_for
from assessments.models import Membership
from surveys.models import Survey


def survey_for_user(
    user, survey_id: uuid.UUID, need: Need = Need.READ
) -> tuple[Survey, Membership]:
    survey = Survey.objects.select_related("program__organization").filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey, _check(membership_for(user, survey.program.organization_id), need)


def survey_by_token(token: str) -> Survey | None:
    """The survey a public link names, for anyone who holds the link."""
    return Survey.objects.select_related("program__organization").filter(token=token).first()
