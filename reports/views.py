from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import levels, services
from assessments.access import assessment_for_user
from assessments.forms import ReopenForm
from reports.charts import DimensionBar, figure_json, profile_figure


@login_required
def assessment_results(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    dimensions = services.framework_dimensions(assessment.framework)
    answers = services.answers_by_indicator(assessment)
    profile = services.assessment_profile(assessment, dimensions, answers)
    sections = [
        {
            "dimension": d,
            "result": profile.dimensions[d.key],
            "indicators": [
                (i, answers.get(i.pk), profile.dimensions[d.key].counted[i.key])
                for i in d.indicators.all()
            ],
        }
        for d in dimensions
    ]
    bars = [
        DimensionBar(d.name, profile.dimensions[d.key].level, profile.dimensions[d.key].index)
        for d in dimensions
    ]
    context = {
        "assessment": assessment,
        "membership": membership,
        "profile": profile,
        "sections": sections,
        "chart": figure_json(profile_figure(bars)),
        "events": assessment.events.select_related("by"),
        "reopen_form": ReopenForm() if membership.can_lead and not assessment.is_draft else None,
        "level_names": levels.LEVEL_NAMES,
    }
    return render(request, "reports/results.html", context)
