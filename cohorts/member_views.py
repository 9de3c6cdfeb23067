"""A member organization's side of a cohort: consent, benchmarks, steps tied to shared goals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.access import Need, plan_step_for_user
from cohorts import dashboard, services
from cohorts.access import member_for_leader
from cohorts.forms import SharingForm, StepGoalsForm
from cohorts.models import CohortMember
from cohorts.sharing import session_scope
from valuecurve import numbers
from valuecurve.confirm import confirm_page


@login_required
def membership(request: HttpRequest, member_id) -> HttpResponse:
    member, membership = member_for_leader(request.user, member_id, Need.READ)
    return _render(request, member, _sharing_form(member), can_lead=membership.can_lead)


def _sharing_form(member: CohortMember) -> SharingForm:
    return SharingForm(
        initial={
            "sharing": member.sharing,
            "outcomes": member.shares_outcomes,
            "surveys": member.shares_surveys,
        }
    )


def _render(request, member: CohortMember, sharing_form, status=200, can_lead=True) -> HttpResponse:
    scope = session_scope(request.user, member.cohort)
    benchmark = (
        dashboard.benchmark(scope, member.organization_id, request.GET, timezone.localdate())
        if member.is_sharing
        else None
    )
    context = {
        **_benchmark_context(benchmark),
        "member": member,
        "cohort": member.cohort,
        "can_lead": can_lead,
        "facilitators": member.cohort.facilitators.select_related("user"),
        "sharing_form": sharing_form,
        "goal_ties": _goal_ties(member) if member.is_sharing else None,
    }
    return render(request, "cohorts/membership.html", context, status=status)


def _benchmark_context(benchmark: dashboard.Benchmark | None) -> dict:
    if benchmark is None:
        return {"benchmark": None}
    keys = list(benchmark.dimensions)
    return {
        "benchmark": benchmark,
        "benchmark_names": list(benchmark.dimensions.values()),
        "benchmark_rows": [
            {"name": p["name"], "values": [_two(p.get(key)) for key in keys]}
            for p in benchmark.programs
        ],
        "benchmark_spreads": [benchmark.spreads[key] for key in keys],
        "benchmark_organizations": max(
            (s.organizations for s in benchmark.spreads.values()), default=0
        ),
    }


def _goal_ties(member: CohortMember) -> dict | None:
    """Each of the cohort's goals with the member's steps tied to it (ties are made on each
    step's page in the action plan), or None when the cohort has no goals."""
    ties = services.goal_links_of(member)
    if not ties:
        return None
    return {"goals": ties, "has_steps": services.tieable_steps(member).exists()}


def _two(value) -> str:
    return "" if value is None else numbers.decimal(value)


@login_required
@require_POST
def membership_sharing(request: HttpRequest, member_id) -> HttpResponse:
    member, _membership = member_for_leader(request.user, member_id)
    form = SharingForm(request.POST)
    if not form.is_valid():
        return _render(request, member, form, status=400)
    was_sharing = member.is_sharing
    try:
        services.membership_respond(
            member=member,
            sharing=form.cleaned_data["sharing"],
            outcomes=form.cleaned_data["outcomes"],
            surveys=form.cleaned_data["surveys"],
            by=request.user,
        )
    except services.CohortError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Sharing updated.") if was_sharing else _("You joined the cohort. Welcome."),
        )
    return redirect("cohorts:membership", member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, member_id) -> HttpResponse:
    member, _membership = member_for_leader(request.user, member_id)
    if request.method == "GET":
        return _confirm_end(request, member)
    try:
        member = services.membership_end(member=member, by=request.user)
    except services.CohortError as exc:
        messages.error(request, str(exc))
    else:
        if member.status == CohortMember.Status.DECLINED:
            messages.success(request, _("Invitation declined."))
        else:
            messages.success(request, _("Your organization no longer shares with the cohort."))
    return redirect("cohorts:membership", member.pk)


def _confirm_end(request, member: CohortMember) -> HttpResponse:
    values = {"cohort": member.cohort.name, "org": member.organization.name}
    if member.is_sharing:
        heading = _("Withdraw %(org)s from %(cohort)s?") % values
        consequence = _(
            "The cohort's facilitators stop seeing your levels, plans and answers at once, in "
            "every page and export. You can be invited again later."
        )
        button = _("Withdraw: stop sharing now")
    else:
        heading = _("Decline the invitation to %(cohort)s?") % values
        consequence = _("Nothing is shared. The facilitators can invite you again later.")
        button = _("Decline the invitation")
    return confirm_page(
        request,
        heading=heading,
        consequence=consequence,
        button=button,
        cancel_url=reverse("cohorts:membership", args=[member.pk]),
    )


# --- One step's cohort goals, from the action plan -------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step_goals(request: HttpRequest, step_id) -> HttpResponse:
    """Tie a leader's action step to the goals of the cohorts its organization shares
    plans with; the plan step's edit page carries the same form."""
    step = plan_step_for_user(request.user, step_id)
    form = StepGoalsForm.for_step(step, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.step_goals_set(step=step, goals=form.chosen(), by=request.user)
        except services.CohortError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The step serves %(count)d cohort goals.") % {"count": count}
            )
            return redirect("assessments:plan_step_edit", step.pk)
    status = 400 if form.is_bound else 200
    return render(request, "cohorts/step_goals.html", {"step": step, "form": form}, status=status)
