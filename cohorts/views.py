"""The facilitator's side of a cohort: dashboard, drill-down, members, goals, exports."""

from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import levels
from assessments.models import Assessment, Membership, Organization, PlanStep
from cohorts import batches, charts, dashboard, data, poster, services, sheets
from cohorts.access import (
    check_two_factor,
    cohort_for_facilitator,
    member_for_facilitator,
    scope_for_facilitator,
)
from cohorts.forms import (
    CohortForm,
    CohortStatementsForm,
    GoalForm,
    InviteForm,
    NewcomerInviteForm,
    WorkgroupForm,
)
from cohorts.models import Cohort, CohortMember
from cohorts.sharing import session_scope
from reports import documents
from reports.batch_views import batch_file, poster_language, poster_size
from reports.charts import figure_json
from valuecurve import exports, languages, numbers
from valuecurve.confirm import confirm_page

PAGE_SIZE = 50
# The downloads of cohorts:export: each table in each format is a facilitator output.
EXPORT_TABLES = ("levels", "scorecard")
EXPORT_FORMATS = exports.FORMATS
SLOPE_LINES = 30
DIRECTORY_LIMIT = 50


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, CohortForm())


def _render_list(request, form, status=200) -> HttpResponse:
    facilitated = Cohort.objects.facilitated_by(request.user).annotate(
        sharing=Count("members", filter=Q(members__status=CohortMember.Status.ACTIVE)),
        invited=Count("members", filter=Q(members__status=CohortMember.Status.INVITED)),
    )
    organizations = Membership.objects.filter(user=request.user).values_list("organization_id")
    memberships = (
        CohortMember.objects.filter(organization_id__in=organizations)
        .exclude(status=CohortMember.Status.DECLINED)
        .select_related("cohort", "organization")
        .order_by("cohort__name", "organization__name")
    )
    context = {"facilitated": facilitated, "memberships": memberships, "form": form}
    return render(request, "cohorts/list.html", context, status=status)


@login_required
@require_POST
def cohort_create(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    cohort = services.cohort_create(by=request.user, **form.cleaned_data)
    messages.success(request, _("Cohort created. Invite its member organizations."))
    return redirect("cohorts:members", cohort.pk)


def _survey_context(scope) -> dict:
    """The members' survey aggregates, when any member shares its survey results."""
    members = scope.survey_member_count()
    return {
        "survey_members": members,
        "survey_aggregates": data.survey_aggregates(scope) if members else [],
    }


@login_required
def cohort_dashboard(request: HttpRequest, cohort_id) -> HttpResponse:
    scope = scope_for_facilitator(request.user, cohort_id)
    cohort = scope.cohort
    board = dashboard.dashboard(scope, request.GET, timezone.localdate())
    rows = [_member_row(record, board.dimensions) for record in board.table.to_dict("records")]
    disparity = data.disparity_trend(scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cohort": cohort,
        "board": board,
        "open_round": board.open_round(timezone.localdate()),
        "page": page,
        "query": _query_without_page(request),
        "sectors": Organization.Sector.choices,
        "level_names": levels.LEVEL_NAMES,
        "charts": {**_dashboard_charts(board, page), **_disparity_charts(disparity)},
        "disparity": bool(disparity),
        "disparity_rows": _disparity_rows(disparity),
        "spread_rows": [(name, board.spreads[key]) for key, name in board.dimensions.items()],
        "distribution_rows": [
            (name, board.distribution[key]) for key, name in board.dimensions.items()
        ]
        if board.distribution
        else [],
        "change_rows": _change_rows(board.change.head(SLOPE_LINES)),
        "slope_lines": SLOPE_LINES,
        **_survey_context(scope),
    }
    return render(request, "cohorts/dashboard.html", context)


def _member_row(record: dict, dimensions: dict[str, str]) -> dict:
    """Levels as ints (None where not compared), for the templates."""
    return {
        "organization": record["organization"],
        "name": record["organization_name"],
        "region": record["region"],
        "programs": record["programs"],
        "cells": [
            (_whole(record[f"{key}_level"]), _number(record[f"{key}_index"])) for key in dimensions
        ],
        "level": _whole(record["level"]),
        "index": _number(record["index"]),
    }


def _change_rows(change: pd.DataFrame) -> list[dict]:
    return [
        {
            "organization_name": row.organization_name,
            "before": numbers.decimal(row.before),
            "after": numbers.decimal(row.after),
            "change": numbers.decimal(row.change, signed=True),
        }
        # pandas-stubs types a row's fields as any scalar; these are the frame's columns.
        for row in cast(Iterable[Any], change.itertuples())
    ]


def _whole(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _number(value) -> float | None:
    return None if pd.isna(value) else round(float(value), 2)


def _dashboard_charts(board: dashboard.Dashboard, page) -> dict[str, dict]:
    found = {}
    if page.object_list:
        rows = board.table.iloc[page.start_index() - 1 : page.end_index()]
        found["heatmap"] = figure_json(charts.heatmap_figure(rows, board.dimensions))
    if board.distribution:
        found["distribution"] = figure_json(
            charts.distribution_figure(board.distribution, board.dimensions)
        )
    if not board.change.empty:
        lines = board.change.head(SLOPE_LINES)
        f = board.filters
        found["slope"] = figure_json(charts.slope_figure(lines, f.compare, f.cycle))
    return found


def _disparity_rows(disparity: dict) -> list[dict]:
    if not disparity:
        return []
    v, index = disparity["cramers_v"], disparity["index_of_disparity"].set_index("period")
    return [
        {
            "period": row.period,
            "organizations": int(row.organizations),
            "measures": int(row.measures),
            "suppressed": pd.isna(row.median),
            "v": _spread_text(row.q1, row.median, row.q3, places=2),
            "index": _spread_text(*index.loc[row.period, ["q1", "median", "q3"]], places=0),
        }
        for row in v.itertuples()
    ]


def _spread_text(q1, median, q3, *, places: int) -> str:
    if pd.isna(median):
        return ""
    median, q1, q3 = (numbers.decimal(v, places) for v in (median, q1, q3))
    return f"{median} ({q1}–{q3})"


def _disparity_charts(disparity: dict) -> dict[str, dict]:
    if "cramers_v" not in disparity or disparity["cramers_v"]["median"].isna().all():
        return {}
    figure = charts.disparity_trend_figure(disparity["cramers_v"], _("Cramér's V"))
    return {"disparity": figure_json(figure)}


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def member_detail(request: HttpRequest, cohort_id, organization_id) -> HttpResponse:
    """Drill-down: one sharing member's programs, and its plans or answers if it shares them."""
    scope, member = member_for_facilitator(request.user, cohort_id, organization_id)
    programs = list(
        scope.latest_assessments(scope.members().filter(pk=member.pk))
        .select_related("program", "framework", "cycle")
        .prefetch_related("scores__dimension")
        .order_by("program__name")
    )
    steps = _plan_steps(programs) if member.shares_plans else []
    context = {"cohort": scope.cohort, "member": member, "assessments": programs, "steps": steps}
    return render(request, "cohorts/member_detail.html", context)


def _plan_steps(assessments: list[Assessment]) -> list[PlanStep]:
    return list(
        PlanStep.objects.filter(assessment__in=assessments)
        .select_related("assessment__program", "dimension")
        .order_by("assessment__program__name", "dimension__order", "order")
    )


@login_required
def member_answers(request: HttpRequest, cohort_id, assessment_id) -> HttpResponse:
    """A member's answers and evidence: only while it shares everything."""
    scope = scope_for_facilitator(request.user, cohort_id)
    cohort = scope.cohort
    assessment = get_object_or_404(
        Assessment.objects.submitted()
        .of_active_programs()
        .select_related("program__organization", "framework", "cycle"),
        pk=assessment_id,
    )
    sharing = cohort.members.sharing_answers().filter(organization=assessment.program.organization)
    member = sharing.select_related("organization").first()
    if member is None:
        raise Http404
    check_two_factor(scope, member)
    answers = assessment.answers.select_related("indicator__dimension").order_by(
        "indicator__dimension__order", "indicator__order"
    )
    context = {"cohort": cohort, "member": member, "assessment": assessment, "answers": answers}
    return render(request, "cohorts/member_answers.html", context)


# --- Members ----------------------------------------------------------------------------------


@login_required
def cohort_members(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    return _render_members(request, cohort, None)


def _directory(cohort: Cohort, search: str):
    """Organizations that can be invited: not already invited or sharing."""
    taken = cohort.members.filter(
        status__in=[CohortMember.Status.INVITED, CohortMember.Status.ACTIVE]
    ).values_list("organization_id")
    found = Organization.objects.exclude(pk__in=taken).order_by("name")
    if search:
        found = found.filter(Q(name__icontains=search) | Q(region__icontains=search))
    return found


def _render_members(request, cohort, form, status=200, newcomer_form=None) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    choices = _directory(cohort, search)
    if form is None:
        form = InviteForm(choices=choices[:DIRECTORY_LIMIT])
    context = {
        "cohort": cohort,
        "members": cohort.members.select_related("organization", "responded_by"),
        "form": form,
        "newcomer_form": newcomer_form or NewcomerInviteForm(),
        "newcomers": cohort.newcomers.pending(),
        "search": search,
        "more": choices.count() > DIRECTORY_LIMIT,
    }
    return render(request, "cohorts/members.html", context, status=status)


@login_required
@require_POST
def cohort_invite(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = InviteForm(request.POST, choices=_directory(cohort, ""))
    if not form.is_valid():
        return _render_members(request, cohort, form, status=400)
    invited = services.members_invite(
        cohort=cohort, organizations=list(form.cleaned_data["organizations"]), by=request.user
    )
    services.invitations_send(members=invited, request=request, by=request.user)
    messages.success(
        request,
        _(
            "%(count)d organizations invited. Their leaders have an email, and accept on "
            "their Cohorts page."
        )
        % {"count": len(invited)},
    )
    return redirect("cohorts:members", cohort.pk)


@login_required
@require_POST
def newcomer_invite(request: HttpRequest, cohort_id) -> HttpResponse:
    """Invite an organization that is not in the app yet, by its leader's email."""
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = NewcomerInviteForm(request.POST)
    if form.is_valid():
        try:
            token = services.newcomer_invite(cohort=cohort, by=request.user, **form.cleaned_data)
        except services.CohortError as exc:
            form.add_error("email", str(exc))
        else:
            invitation = services.newcomer_invitation_for_token(token)
            assert invitation is not None  # made just now
            services.newcomer_invitation_send(
                invitation=invitation, token=token, request=request, by=request.user
            )
            messages.success(request, _("Invitation sent to %s.") % invitation.email)
            return redirect("cohorts:members", cohort.pk)
    return _render_members(request, cohort, None, status=400, newcomer_form=form)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, cohort_id, member_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    member = get_object_or_404(cohort.members, pk=member_id)
    try:
        services.invitation_cancel(member=member, by=request.user)
    except services.CohortError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation cancelled."))
    return redirect("cohorts:members", cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def newcomer_withdraw(request: HttpRequest, cohort_id, invitation_id) -> HttpResponse:
    """Confirm on GET, withdraw on POST an invitation by email that waits for an answer."""
    cohort = cohort_for_facilitator(request.user, cohort_id)
    invitation = get_object_or_404(cohort.newcomers, pk=invitation_id)
    if request.method == "GET":
        return confirm_page(
            request,
            heading=_("Withdraw the invitation to %s?") % invitation.email,
            consequence=_(
                "The link in the email stops working and says the invitation was withdrawn. "
                "You can invite the address again later."
            ),
            button=_("Withdraw invitation"),
            cancel_url=reverse("cohorts:members", args=[cohort.pk]),
        )
    try:
        services.newcomer_withdraw(invitation=invitation, by=request.user)
    except services.CohortError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation to %s is withdrawn.") % invitation.email)
    return redirect("cohorts:members", cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_statements(request: HttpRequest, cohort_id) -> HttpResponse:
    """The cohort's commitment, vision and theory of change, edited by its facilitators."""
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = CohortStatementsForm(request.POST if request.method == "POST" else None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        services.record_save(form.save(commit=False), request.user)
        messages.success(request, _("Statements saved. Members and the cohort poster show them."))
        return redirect("cohorts:dashboard", cohort.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "cohorts/statements.html", {"cohort": cohort, "form": form}, status=status
    )


# --- Shared goals and workgroups ------------------------------------------------------------


@login_required
def cohort_goals(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    return _render_goals(request, cohort, GoalForm(), WorkgroupForm(cohort=cohort))


def _render_goals(request, cohort, goal_form, workgroup_form, status=200) -> HttpResponse:
    context = {
        "cohort": cohort,
        "goals": _goals_with_cards(session_scope(request.user, cohort)),
        "workgroups": cohort.workgroups.select_related("goal").prefetch_related("organizations"),
        "goal_form": goal_form,
        "workgroup_form": workgroup_form,
    }
    return render(request, "cohorts/goals.html", context, status=status)


def _goals_with_cards(scope) -> list[tuple]:
    """Each goal with its scorecard card: the goals page counts a goal's steps as the
    scorecard does, from the same cards."""
    cards = {card.goal.id: card for card in data.scorecard(scope, timezone.localdate()).goals}
    return [(goal, cards[goal.pk]) for goal in scope.cohort.goals.all() if goal.pk in cards]


@login_required
@require_POST
def goal_add(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _render_goals(request, cohort, form, WorkgroupForm(cohort=cohort), status=400)
    goal = form.save(commit=False)
    goal.cohort, goal.order = cohort, cohort.goals.count()
    services.record_save(goal, request.user)
    messages.success(request, _("Shared goal added."))
    return redirect("cohorts:goals", cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, cohort_id, goal_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = GoalForm(request.POST or None, instance=get_object_or_404(cohort.goals, pk=goal_id))
    return _edit_part(request, cohort, form, _("Edit shared goal"), _("Shared goal saved."))


@login_required
@require_POST
def goal_remove(request: HttpRequest, cohort_id, goal_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    goal = get_object_or_404(cohort.goals, pk=goal_id)
    message = _("Shared goal removed; the members' steps are unchanged.")
    return _remove_part(request, cohort, goal, message)


@login_required
@require_POST
def workgroup_add(request: HttpRequest, cohort_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    form = WorkgroupForm(request.POST, cohort=cohort)
    if not form.is_valid():
        return _render_goals(request, cohort, GoalForm(), form, status=400)
    workgroup = form.save(commit=False)
    workgroup.cohort = cohort
    services.record_save(workgroup, request.user)
    form.save_m2m()
    messages.success(request, _("Workgroup added."))
    return redirect("cohorts:goals", cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def workgroup_edit(request: HttpRequest, cohort_id, workgroup_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    workgroup = get_object_or_404(cohort.workgroups, pk=workgroup_id)
    form = WorkgroupForm(request.POST or None, instance=workgroup, cohort=cohort)
    return _edit_part(request, cohort, form, _("Edit workgroup"), _("Workgroup saved."))


@login_required
@require_POST
def workgroup_remove(request: HttpRequest, cohort_id, workgroup_id) -> HttpResponse:
    cohort = cohort_for_facilitator(request.user, cohort_id)
    workgroup = get_object_or_404(cohort.workgroups, pk=workgroup_id)
    return _remove_part(request, cohort, workgroup, _("Workgroup removed."))


def _edit_part(request, cohort, form, title: str, saved: str) -> HttpResponse:
    """A shared goal's or a workgroup's form: saved with its history, or shown again."""
    if request.method == "POST" and form.is_valid():
        services.record_save(form.save(commit=False), request.user)
        form.save_m2m()
        messages.success(request, saved)
        return redirect("cohorts:goals", cohort.pk)
    status = 400 if form.is_bound else 200
    context = {"cohort": cohort, "form": form, "title": title}
    return render(request, "cohorts/edit.html", context, status=status)


def _remove_part(request, cohort, part, removed: str) -> HttpResponse:
    services.record_delete(part, request.user)
    messages.success(request, removed)
    return redirect("cohorts:goals", cohort.pk)


@login_required
def cohort_scorecard(request: HttpRequest, cohort_id) -> HttpResponse:
    scope = scope_for_facilitator(request.user, cohort_id)
    card = data.scorecard(scope, timezone.localdate())
    context = {"cohort": scope.cohort, "card": card, "left_out": scope.left_out()}
    return render(request, "cohorts/scorecard.html", context)


# --- Exports ------------------------------------------------------------------------------------


def _export_sheets(request: HttpRequest, cohort_id, table: str):
    """The sheets of one download and its file name's stem, read through the facilitator's
    scope (consent, two-factor) and, for the levels, the dashboard's suppression."""
    scope = scope_for_facilitator(request.user, cohort_id)
    if table not in EXPORT_TABLES:
        raise Http404
    if table == "levels":
        board = dashboard.dashboard(scope, request.GET, timezone.localdate())
        tables = sheets.level_sheets(board)
    else:
        tables = sheets.scorecard_sheets(data.scorecard(scope, timezone.localdate()))
    return tables, f"{slugify(scope.cohort.name) or 'cohort'}-{table}"


@login_required
def cohort_export(request: HttpRequest, cohort_id, table: str, fmt: str) -> HttpResponse:
    """The dashboard's tables as CSV (programs) or Excel (programs, organizations, spreads,
    change, and the data dictionary), with the dashboard's filters; or the scorecard."""
    if fmt not in exports.FORMATS:
        raise Http404
    tables, stem = _export_sheets(request, cohort_id, table)
    return exports.sheets_download(tables, fmt, stem)


@login_required
def cohort_export_dictionary(request: HttpRequest, cohort_id, table: str) -> HttpResponse:
    """What each column of the CSV download holds, for the same filters."""
    tables, stem = _export_sheets(request, cohort_id, table)
    return exports.dictionary_download(tables, stem)


def _cohort_poster_request(request: HttpRequest, cohort_id):
    """The facilitator's scope, the poster's size and its round (`?size=`, `?cycle=`): the
    same for the PDF and its web page."""
    scope = scope_for_facilitator(request.user, cohort_id)
    size = documents.poster_sizes().get(request.GET.get("size", "tabloid"))
    if size is None:
        raise Http404
    cycles = data.cycles(scope)
    cycle = request.GET.get("cycle") if request.GET.get("cycle") in cycles else None
    return scope, size, cycle


@login_required
def cohort_poster(request: HttpRequest, cohort_id) -> HttpResponse:
    """The cohort's one-page poster for a convening: counts only, no member names."""
    scope, size, cycle = _cohort_poster_request(request, cohort_id)
    # A cohort has no organization's language: the facilitator's, unless they ask another.
    with translation.override(languages.document_language(request, languages.active_language())):
        content = poster.cohort_poster_pdf(
            scope=scope, size=size, today=timezone.localdate(), cycle=cycle
        )
    name = poster.cohort_poster_filename(scope.cohort, size.key)
    return exports.attachment(content, "application/pdf", name)


@login_required
def cohort_poster_page(request: HttpRequest, cohort_id) -> HttpResponse:
    """The poster as a web page, for sharing on screen: what the PDF prints, to the same
    readers."""
    scope, size, cycle = _cohort_poster_request(request, cohort_id)
    context = poster.cohort_poster_context(
        scope=scope, size=size, today=timezone.localdate(), cycle=cycle
    )
    return render(request, "cohorts/print/poster.html", context)


# --- Members' posters (zip) -------------------------------------------------------------------


@login_required
@require_POST
def poster_batch_start(request: HttpRequest, cohort_id) -> HttpResponse:
    scope = scope_for_facilitator(request.user, cohort_id)
    size = poster_size(request)
    language = poster_language(request, languages.active_language())
    if size is None or language is None:
        return redirect("cohorts:dashboard", scope.cohort.pk)
    batch = batches.member_batch_start(
        scope=scope, size_key=size, language=language, by=request.user
    )
    return redirect("cohorts:poster_batch", scope.cohort.pk, batch.pk)


def _member_batch(request: HttpRequest, cohort_id, batch_id):
    scope = scope_for_facilitator(request.user, cohort_id)
    batch = get_object_or_404(scope.cohort.poster_batches.select_related("cohort"), pk=batch_id)
    return scope, batch


@login_required
def poster_batch(request: HttpRequest, cohort_id, batch_id) -> HttpResponse:
    scope, batch = _member_batch(request, cohort_id, batch_id)
    context = {
        "batch": batch,
        "current": batches.batch_is_current(batch, scope),
        "left_out": scope.left_out(),
        "download_url": reverse("cohorts:poster_batch_download", args=[scope.cohort.pk, batch.pk]),
        "back_url": reverse("cohorts:dashboard", args=[scope.cohort.pk]),
    }
    return render(request, "cohorts/poster_batch.html", context)


@login_required
def poster_batch_download(request: HttpRequest, cohort_id, batch_id) -> HttpResponseBase:
    scope, batch = _member_batch(request, cohort_id, batch_id)
    if not batches.batch_is_current(batch, scope):
        messages.error(
            request,
            _(
                "This zip holds posters that are no longer shared with you: a member changed "
                "what it shares, or requires two-factor sign-in you have not used. Build the "
                "zip again."
            ),
        )
        return redirect("cohorts:poster_batch", scope.cohort.pk, batch.pk)
    return batch_file(batch)
