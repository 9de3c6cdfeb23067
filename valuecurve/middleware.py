from django.shortcuts import redirect
from django.urls import reverse

from valuecurve.two_factor import two_factor_state

# Pages a signed-in user may reach before finishing two-factor sign-in.
OPEN_PREFIXES = ("/accounts/", "/static/", "/about/", "/invitations/accept/")


class TwoFactorMiddleware:
    """Finish two-factor sign-in before anything else.

    A user with an authenticator must enter a code after the password; a member of an
    organization that requires two-factor sign-in must set one up first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self.redirect_for(request)
        if target and not request.path.startswith(OPEN_PREFIXES):
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    def redirect_for(self, request) -> str | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        has_device, required = two_factor_state(user)
        if has_device:
            return "two_factor_verify"
        if required:
            return "two_factor_setup"
        return None
