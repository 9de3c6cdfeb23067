"""The facilitator's rounds: open one for the members, change its dates, see who submitted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohorts import rounds
from cohorts.access import scope_for_facilitator
from cohorts.forms import RoundForm
from cohorts.models import CohortRound
from valuecurve.forms import saved_through


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest, cohort_id) -> HttpResponse:
    """The rounds, newest first, with the members' progress in the one chosen (`?round=`,
    by default the newest), and the form that opens a new round."""
    scope = scope_for_facilitator(request.user, cohort_id)
    cohort = scope.cohort
    today = timezone.localdate()
    form = RoundForm(request.POST or None, instance=CohortRound(cohort=cohort))
    if request.method == "POST" and _saved(form, request.user, today):
        messages.success(
            request,
            _("The %s round is open: each member's leaders see it on their home page.")
            % form.instance.name,
        )
        return redirect("cohorts:rounds", cohort.pk)
    progress = rounds.scope_rounds(scope)
    chosen = next((r for r in progress if str(r.pk) == request.GET.get("round")), None)
    chosen = chosen or (progress[0] if progress else None)
    context = {
        "cohort": cohort,
        "rounds": progress,
        "chosen": chosen,
        "members": rounds.round_member_status(scope, chosen) if chosen else [],
        "member_count": scope.members().count(),
        "left_out": scope.left_out(),
        "form": form,
        "today": today,
    }
    return render(request, "cohorts/rounds.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, cohort_id, round_id) -> HttpResponse:
    scope = scope_for_facilitator(request.user, cohort_id)
    cohort_round = get_object_or_404(scope.cohort.rounds, pk=round_id)
    heading = _("Edit the %s round") % cohort_round.name
    form = RoundForm(request.POST or None, instance=cohort_round)
    if request.method == "POST" and _saved(form, request.user, timezone.localdate()):
        messages.success(request, _("Round saved."))
        return redirect("cohorts:rounds", scope.cohort.pk)
    context = {"form": form, "heading": heading, "button": _("Save round")}
    return render(
        request, "assessments/form_page.html", context, status=400 if form.errors else 200
    )


def _saved(form: RoundForm, by, today) -> bool:
    return saved_through(
        form,
        lambda: rounds.round_save(cohort_round=form.instance, by=by, today=today),
        rounds.RoundError,
    )
