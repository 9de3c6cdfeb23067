from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessments import levels
from valuecurve import qr, two_factor
from valuecurve.two_factor import two_factor_state


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (the admin, a PDF)."""
    return redirect(static("favicon.svg"), permanent=True)


def about(request: HttpRequest) -> HttpResponse:
    """What the tool is, where the Value Curve comes from, and how scoring works."""
    level_rows = [
        (levels.LEVEL_NAMES[level], levels.LEVEL_SUMMARIES[level])
        for level in (levels.NOT_YET, *levels.LEVELS)
    ]
    return render(request, "about.html", {"level_rows": level_rows})


# --- Two-factor sign-in --------------------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code."""
    next_url = _safe_next(request)
    if two_factor.is_verified(request.user) or not two_factor_state(request.user)[0]:
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if two_factor.verify(request, form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error(
            "token", _("That code did not match. Try the current code, or a recovery code.")
        )
    status = 400 if form.errors else 200
    return render(
        request, "two_factor/verify.html", {"form": form, "next": next_url}, status=status
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan a QR code, confirm with a code; recovery codes are shown once."""
    if _code_still_needed(request):
        return redirect("two_factor_verify")
    device = two_factor.pending_device(request.user)
    if request.method == "POST" and device is not None:
        form = TokenForm(request.POST)
        if form.is_valid():
            codes = two_factor.totp_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
            if codes is not None:
                shown = {"codes": codes, "next": _safe_next(request)}
                return render(request, "two_factor/recovery_codes.html", shown)
            form.add_error("token", _("That code did not match. Check the time on your phone."))
        status = 400
    else:
        device = two_factor.totp_start(request.user)
        form, status = TokenForm(), 200
    context = {
        "form": form,
        "qr": qr.qr_data_uri(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
        "next": _safe_next(request),
        "has_device": two_factor_state(request.user)[0],
    }
    return render(request, "two_factor/setup.html", context, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    has_device, required = two_factor_state(request.user)
    context = {"has_device": has_device, "required": required}
    return render(request, "two_factor/account.html", context)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if _code_still_needed(request):
        return redirect("two_factor_verify")
    has_device, required = two_factor_state(request.user)
    if required:
        messages.error(request, _("An organization you belong to requires two-factor sign-in."))
    elif has_device:
        two_factor.two_factor_disable(request.user)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("account")


def _code_still_needed(request: HttpRequest) -> bool:
    """Signed in with the password, not yet with the authenticator's code."""
    return two_factor_state(request.user)[0] and not two_factor.is_verified(request.user)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("assessments:home")
