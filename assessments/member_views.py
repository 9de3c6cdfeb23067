"""Members of an organization: the leader's page, invitations, roles, removal."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import members, portability
from assessments.access import (
    Need,
    invitation_for_leader,
    membership_for_leader,
    organization_for_user,
)
from assessments.forms import InviteForm, OrganizationSecurityForm, RoleForm
from valuecurve.confirm import confirm_page
from valuecurve.forms import InvitedSignUpForm
from valuecurve.http import AuthenticatedHttpRequest


@login_required
def organization_members(request: HttpRequest, organization_id) -> HttpResponse:
    organization, membership = organization_for_user(request.user, organization_id, Need.LEAD)
    return _render_members(request, organization, membership, InviteForm())


def _render_members(request, organization, membership, invite_form, status=200) -> HttpResponse:
    context = {
        "organization": organization,
        "membership": membership,
        "members": organization.memberships.select_related("user").order_by("user__first_name"),
        "invitations": organization.invitations.pending().select_related("invited_by"),
        "invite_form": invite_form,
        "security_form": OrganizationSecurityForm(
            initial={
                "require_two_factor": organization.require_two_factor,
                "require_sso": organization.require_sso,
            },
            organization=organization,
            request=request,
        ),
        "role_form": RoleForm(),
    }
    return render(request, "assessments/members.html", context, status=status)


@login_required
@require_POST
def organization_invite(request: HttpRequest, organization_id) -> HttpResponse:
    organization, membership = organization_for_user(request.user, organization_id, Need.LEAD)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            token = members.invitation_create(
                organization=organization, by=request.user, **form.cleaned_data
            )
        except members.MembershipError as exc:
            form.add_error("email", str(exc))
        else:
            members.invitation_send(
                organization=organization,
                email=form.cleaned_data["email"],
                token=token,
                request=request,
                by=request.user,
            )
            messages.success(request, _("Invitation sent to %s.") % form.cleaned_data["email"])
            return redirect("assessments:members", organization.pk)
    return _render_members(request, organization, membership, form, status=400)


@login_required
@require_POST
def organization_security(request: AuthenticatedHttpRequest, organization_id) -> HttpResponse:
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    form = OrganizationSecurityForm(request.POST, organization=organization, request=request)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("assessments:members", organization.pk)
    for name, value in form.cleaned_data.items():
        setattr(organization, name, value)
    organization._history_user = request.user
    organization.save(update_fields=list(form.cleaned_data))
    messages.success(request, _("Sign-in rules saved."))
    return redirect("assessments:members", organization.pk)


@login_required
@require_POST
def membership_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = membership_for_leader(request.user, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("assessments:members", target.organization_id)
    try:
        members.membership_change_role(
            membership=target, role=form.cleaned_data["role"], by=request.user
        )
    except members.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role changed."))
    return redirect("assessments:members", target.organization_id)


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = membership_for_leader(request.user, membership_id)
    if request.method == "GET":
        return _confirm_remove(request, target)
    try:
        members.membership_remove(membership=target, by=request.user)
    except members.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Member removed."))
    if target.user_id == request.user.pk:
        return redirect("assessments:home")
    return redirect("assessments:members", target.organization_id)


def _confirm_remove(request, target) -> HttpResponse:
    values = {
        "name": target.user.get_full_name() or target.user.username,
        "org": target.organization.name,
    }
    own = target.user_id == request.user.pk
    return confirm_page(
        request,
        heading=(_("Leave %(org)s?") if own else _("Remove %(name)s from %(org)s?")) % values,
        consequence=_(
            "Their membership ends at once: they no longer see the organization's programs, "
            "assessments or plans. Their past answers stay in the record. A leader can invite "
            "them again."
        ),
        button=_("Leave the organization") if own else _("End the membership"),
        cancel_url=reverse("assessments:members", args=[target.organization_id]),
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id) -> HttpResponse:
    invitation = invitation_for_leader(request.user, invitation_id)
    try:
        members.invitation_revoke(invitation=invitation, by=request.user)
    except members.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("assessments:members", invitation.organization_id)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: sign up (or use the signed-in account) and join, once."""
    invitation = members.invitation_for_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "assessments/invitation_invalid.html", status=410)
    signup = None
    if request.method == "POST":
        user = request.user
        if not user.is_authenticated:
            signup = InvitedSignUpForm(request.POST)
            if not signup.is_valid():
                return _render_accept(request, invitation, signup, status=400)
            user = signup.save(commit=False)
            user.email = invitation.email
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        try:
            members.invitation_accept(token=token, user=user)
        except members.MembershipError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:home")
        messages.success(request, _("Welcome to %s.") % invitation.organization.name)
        return redirect("assessments:home")
    if not request.user.is_authenticated:
        signup = InvitedSignUpForm()
    return _render_accept(request, invitation, signup)


def _render_accept(request, invitation, signup, status=200) -> HttpResponse:
    context = {"invitation": invitation, "signup": signup}
    return render(request, "assessments/invitation_accept.html", context, status=status)


@login_required
def organization_export(request: HttpRequest, organization_id) -> HttpResponse:
    """All of the organization's data as one JSON file (`manage.py import_organization`)."""
    organization, _membership = organization_for_user(request.user, organization_id, Need.LEAD)
    data = portability.organization_export(organization)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"valuecurve-{slugify(organization.name) or 'organization'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
