"""Organizations and programs made in the app: create, profile, programs, archive."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import cycles, organizations
from assessments.access import Need, organization_for_user, program_for_user
from assessments.forms import CycleForm, OrganizationForm, ProgramForm
from assessments.models import Cycle, Program
from valuecurve.confirm import confirm_page
from valuecurve.forms import saved_through


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = organizations.organization_create(
                organization=form.save(commit=False), by=request.user
            )
        except organizations.ProgramError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("%s is created; you are its leader.") % form.instance.name)
            return redirect("assessments:program_create", membership.organization_id)
    return _form_page(request, form, _("Create your organization"), _("Create organization"))


@login_required
@require_http_methods(["GET", "POST"])
def organization_profile(request: HttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        organizations.organization_update(organization=form.instance, by=request.user)
        messages.success(request, _("Profile saved."))
        return redirect("assessments:home")
    heading = _("Profile of %s") % organization.name
    return _form_page(request, form, heading, _("Save profile"))


@login_required
def organization_programs(request: HttpRequest, organization_id) -> HttpResponse:
    """Active programs, and for leaders the archived ones they can restore. Two queries
    after the access check, however many programs."""
    organization, membership = organization_for_user(request.user, organization_id)
    programs = Program.objects.filter(organization=organization).annotate(
        assessment_count=Count("assessments")
    )
    context = {
        "organization": organization,
        "membership": membership,
        "programs": programs.active().order_by("name"),
        "archived": programs.archived().order_by("name") if membership.can_lead else [],
    }
    return render(request, "assessments/programs.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    form = ProgramForm(request.POST or None, instance=Program(organization=organization))
    if request.method == "POST" and _saved(form, request.user):
        messages.success(request, _("Program added. Start its first assessment here."))
        return redirect("assessments:program", form.instance.pk)
    heading = _("Add a program to %s") % organization.name
    intro = _("Each program is assessed on its own: add one per service you run.")
    return _form_page(request, form, heading, _("Add program"), intro)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, program_id) -> HttpResponse:
    program, _membership = program_for_user(request.user, program_id, Need.LEAD)
    heading = _("Edit %s") % program.name  # before the form changes the instance
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and _saved(form, request.user):
        messages.success(request, _("Program saved."))
        return redirect("assessments:program", program.pk)
    return _form_page(request, form, heading, _("Save program"))


@login_required
@require_http_methods(["GET", "POST"])
def program_archive(request: HttpRequest, program_id) -> HttpResponse:
    program, _membership = program_for_user(request.user, program_id, Need.LEAD)
    if request.method == "GET":
        return confirm_page(
            request,
            heading=_("Archive %s?") % program.name,
            consequence=_(
                "The program leaves your lists, scorecards, poster zips and cohort figures. "
                "Its assessments, plans and history are kept, and a leader can restore it "
                "from the programs page."
            ),
            button=_("Archive program"),
            cancel_url=reverse("assessments:program", args=[program.pk]),
        )
    return _change(request, program, organizations.program_archive, _("%s is archived."))


@login_required
@require_POST
def program_restore(request: HttpRequest, program_id) -> HttpResponse:
    program, _membership = program_for_user(request.user, program_id, Need.LEAD)
    return _change(request, program, organizations.program_restore, _("%s is restored."))


def _change(request, program: Program, write, done: str) -> HttpResponse:
    try:
        write(program=program, by=request.user)
    except organizations.ProgramError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % program.name)
    return redirect("assessments:programs", program.organization_id)


def _saved(form: ProgramForm, by) -> bool:
    return saved_through(
        form,
        lambda: organizations.program_save(program=form.instance, by=by),
        organizations.ProgramError,
    )


def _form_page(request, form, heading: str, button: str, intro: str = "") -> HttpResponse:
    context = {"form": form, "heading": heading, "button": button, "intro": intro}
    status = 400 if form.errors else 200
    return render(request, "assessments/form_page.html", context, status=status)


# --- Cycles ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organization_cycles(request: HttpRequest, organization_id) -> HttpResponse:
    """The organization's cycles, newest first, with how many assessments each holds; its
    leaders add one here. Two queries after the access check."""
    organization, membership = organization_for_user(request.user, organization_id)
    form = None
    if membership.can_lead:
        form = CycleForm(request.POST or None, instance=Cycle(organization=organization))
        if request.method == "POST" and _cycle_saved(form, request.user):
            messages.success(request, _("Cycle %s added.") % form.instance.name)
            return redirect("assessments:cycles", organization.pk)
    elif request.method == "POST":
        raise PermissionDenied
    found = organization.cycles.annotate(assessment_count=Count("assessments")).order_by(
        "-starts_on", "-ends_on", "-name"
    )
    context: dict[str, Any] = {
        "organization": organization,
        "membership": membership,
        "cycles": found,
    }
    context["form"], context["today"] = form, timezone.localdate()
    status = 400 if form is not None and form.errors else 200
    return render(request, "assessments/cycles.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, organization_id, cycle_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    cycle = get_object_or_404(organization.cycles, pk=cycle_id)
    heading = _("Edit cycle %s") % cycle.name
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and _cycle_saved(form, request.user):
        messages.success(request, _("Cycle saved."))
        return redirect("assessments:cycles", organization.pk)
    return _form_page(request, form, heading, _("Save cycle"))


def _cycle_saved(form: CycleForm, by) -> bool:
    return saved_through(
        form, lambda: cycles.cycle_save(cycle=form.instance, by=by), cycles.CycleError
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_delete(request: HttpRequest, organization_id, cycle_id) -> HttpResponse:
    """Confirm on GET, delete on POST; a cycle that holds assessments is refused with why."""
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    cycle = get_object_or_404(organization.cycles, pk=cycle_id)
    reason = cycles.cycle_undeletable_reason(cycle)
    if request.method == "GET" and not reason:
        return confirm_page(
            request,
            heading=_("Delete the cycle %s?") % cycle.name,
            consequence=_("No program has an assessment in it. It leaves your list of cycles."),
            button=_("Delete cycle"),
            cancel_url=reverse("assessments:cycles", args=[organization.pk]),
        )
    if request.method == "POST" and not reason:
        try:
            cycles.cycle_delete(cycle=cycle, by=request.user)
        except cycles.CycleError as exc:  # an assessment started in it meanwhile
            reason = str(exc)
        else:
            messages.success(request, _("Cycle %s deleted.") % cycle.name)
    if reason:
        messages.error(request, reason)
    return redirect("assessments:cycles", organization.pk)
