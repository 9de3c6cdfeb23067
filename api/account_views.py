"""The account page's access tokens: create (the secret shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api import tokens
from api.forms import TokenForm
from api.models import AccessToken
from valuecurve import two_factor
from valuecurve.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = tokens.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            can_write=form.cleaned_data["access"] == "write",
            verified=two_factor.is_verified(request.user),
            **form.scope_objects(),
        )
        form = TokenForm(user=request.user)
    context = {
        "form": form,
        "secret": secret,
        "tokens": AccessToken.objects.filter(user=request.user).select_related(
            "organization", "cohort"
        ),
        "now": timezone.now(),
    }
    status = 400 if form.errors else 200
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id) -> HttpResponse:
    if not tokens.token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("api:tokens")
