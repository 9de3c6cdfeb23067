"""The emailed link of an invitation to an organization not in the app yet: sign up (or use
the signed-in account), create the organization, then choose what it shares."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import organizations
from assessments.forms import OrganizationForm
from cohorts import services
from valuecurve.forms import InvitedSignUpForm


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.newcomer_invitation_for_token(token)
    if invitation is None or not invitation.is_usable:
        withdrawn = invitation is not None and invitation.withdrawn_at is not None
        return render(request, "cohorts/join_invalid.html", {"withdrawn": withdrawn}, status=410)
    if not request.user.is_authenticated:
        return _sign_up(request, invitation)
    form = OrganizationForm(
        request.POST if request.method == "POST" else None,
        initial={"name": invitation.organization_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.newcomer_join(
                token=token, organization=form.save(commit=False), by=request.user
            )
        except services.CohortError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:home")
        except organizations.ProgramError as exc:
            form.add_error("name", str(exc))
            return _render(request, invitation, form=form)
        messages.success(
            request, _("%s is created. Now choose what it shares.") % member.organization.name
        )
        return redirect("cohorts:membership", member.pk)
    return _render(request, invitation, form=form)


def _sign_up(request: HttpRequest, invitation) -> HttpResponse:
    """The link came to the invited address: the account's email is confirmed by it."""
    signup = InvitedSignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and signup.is_valid():
        user = signup.save(commit=False)
        user.email = invitation.email
        user.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Now create your organization."))
        return redirect(request.path)
    return _render(request, invitation, signup=signup)


def _render(request, invitation, form=None, signup=None) -> HttpResponse:
    context = {"invitation": invitation, "form": form, "signup": signup}
    bound = form if form is not None else signup
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "cohorts/join.html", context, status=status)
