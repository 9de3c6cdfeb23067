"""The action plan of an assessment, and the organization's statements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import plans
from assessments.access import Need, assessment_for_user, organization_for_user, plan_step_for_user
from assessments.forms import NewPlanStepForm, PlanStepForm, StatementsForm
from valuecurve.confirm import confirm_page
from valuecurve.http import AuthenticatedHttpRequest


@login_required
def plan(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    return _render_plan(request, assessment, membership)


def _render_plan(request, assessment, membership, bad_form=None, status=200) -> HttpResponse:
    steps = list(assessment.plan_steps.select_related("dimension", "continues__assessment__cycle"))
    previous, done_before = plans.done_last_cycle(assessment)
    sections = []
    for dimension in assessment.framework.dimensions.prefetch_related("action_steps"):
        add_form = None
        if membership.can_lead:
            is_bad = bad_form is not None and bad_form.prefix == dimension.key
            add_form = (
                bad_form if is_bad else NewPlanStepForm(dimension=dimension, prefix=dimension.key)
            )
        mine = [s for s in steps if s.dimension_id == dimension.pk]
        done = [s for s in done_before if s.dimension.key == dimension.key]
        sections.append(
            {
                "dimension": dimension,
                "steps": mine,
                "on_poster": plans.poster_steps(mine),
                "add_form": add_form,
                "done_before": done,
            }
        )
    context = {
        "assessment": assessment,
        "membership": membership,
        "sections": sections,
        "previous": previous,
        "today": timezone.localdate(),
    }
    return render(request, "assessments/plan.html", context, status=status)


@login_required
@require_POST
def plan_step_add(request: HttpRequest, assessment_id, dimension_key: str) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    dimension = assessment.framework.dimensions.filter(key=dimension_key).first()
    if dimension is None:
        return redirect("assessments:plan", assessment.pk)
    form = NewPlanStepForm(request.POST, dimension=dimension, prefix=dimension.key)
    if not form.is_valid():
        return _render_plan(request, assessment, membership, bad_form=form, status=400)
    plans.plan_step_add(
        assessment=assessment,
        dimension=dimension,
        values=form.values(),
        by=request.user,
        library=form.cleaned_data.get("library_step"),
    )
    messages.success(request, _("Step added."))
    return redirect("assessments:plan", assessment.pk)


@login_required
def plan_step_edit(request: HttpRequest, step_id) -> HttpResponse:
    step = plan_step_for_user(request.user, step_id)
    form = PlanStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        plans.plan_step_update(step=step, values=form.values(), by=request.user)
        messages.success(request, _("Step saved."))
        return redirect("assessments:plan", step.assessment_id)
    status = 400 if form.errors else 200
    context = {"form": form, "step": step, "assessment": step.assessment}
    return render(request, "assessments/plan_step_edit.html", context, status=status)


@login_required
@require_POST
def plan_step_move(request: HttpRequest, step_id) -> HttpResponse:
    step = plan_step_for_user(request.user, step_id)
    try:
        plans.plan_step_move(step=step, up=request.POST.get("direction") == "up", by=request.user)
    except plans.PlanError as exc:
        messages.error(request, str(exc))
    return redirect("assessments:plan", step.assessment_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_step_remove(request: HttpRequest, step_id) -> HttpResponse:
    step = plan_step_for_user(request.user, step_id)
    if request.method == "GET":
        return confirm_page(
            request,
            heading=_("Remove the step “%s”?") % step.title,
            consequence=_(
                "The step leaves the action plan, the scorecards and the posters. Its history "
                "stays in the assessment's record. To keep it but stop working on it, edit it "
                "and set its status to Dropped instead."
            ),
            button=_("Remove step"),
            cancel_url=reverse("assessments:plan", args=[step.assessment_id]),
        )
    plans.plan_step_remove(step=step, by=request.user)
    messages.success(request, _("Step removed."))
    return redirect("assessments:plan", step.assessment_id)


@login_required
def organization_statements(request: AuthenticatedHttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    form = StatementsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        organization._history_user = request.user
        form.save()
        messages.success(request, _("Statements saved. Reports and posters show them."))
        return redirect("assessments:statements", organization.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "organization": organization}
    return render(request, "assessments/statements.html", context, status=status)
