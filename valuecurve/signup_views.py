"""Sign-up pages: the form, "check your inbox", the emailed confirmation link, a new link."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from valuecurve import signup
from valuecurve.forms import EmailForm, SignUpForm


@require_http_methods(["GET", "POST"])
def signup_start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("assessments:home")
    if not signup.signup_is_open():
        status = 403 if request.method == "POST" else 200
        return render(request, "registration/signup_closed.html", status=status)
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not signup.signup_allowed_from(get_client_ip_address(request) or ""):
            return render(request, "registration/signup_wait.html", status=429)
        if form.is_valid():
            signup.signup_request(user=form.save(commit=False), request=request)
            return redirect("signup_sent")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = signup.signup_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "registration/signup_invalid.html", status=410)
    messages.success(request, _("Your email is confirmed. Sign in to start."))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def signup_resend(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not an unconfirmed account uses the address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not signup.signup_allowed_from(get_client_ip_address(request) or ""):
            return render(request, "registration/signup_wait.html", status=429)
        for user in signup.users_with_email(form.cleaned_data["email"]):
            if signup.is_unconfirmed(user):
                signup.confirmation_send(user=user, request=request)
        return redirect("signup_sent")
    status = 400 if form.errors else 200
    return render(request, "registration/signup_resend.html", {"form": form}, status=status)
