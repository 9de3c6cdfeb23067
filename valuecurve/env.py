"""Small helpers that read settings from the environment and fail loudly on a bad value."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        allowed = ", ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}, not {raw!r}")
    return value


def env_oidc_providers() -> list[dict]:
    """The OpenID Connect providers people may sign in with (README, "Single sign-on").

    SSO_PROVIDERS names them ("entra,okta"); each then needs SSO_<NAME>_ISSUER (the issuer,
    whose /.well-known/openid-configuration is read), SSO_<NAME>_CLIENT_ID and
    SSO_<NAME>_CLIENT_SECRET, and may set SSO_<NAME>_LABEL (shown as "Sign in with <label>")
    and SSO_<NAME>_TRUST_MFA (its `amr` claim counts as two-factor sign-in)."""
    providers = []
    for key in env_list("SSO_PROVIDERS"):
        if not key.isidentifier() or not key.isascii():
            raise ImproperlyConfigured(f"SSO_PROVIDERS: {key!r} must be letters, digits and _")
        prefix = f"SSO_{key.upper()}_"
        values = {name: env_str(prefix + name) for name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")}
        missing = [prefix + name for name, value in values.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"SSO_PROVIDERS names {key}: set {', '.join(missing)}")
        providers.append(
            {
                "provider_id": key.lower(),
                "name": env_str(prefix + "LABEL", key),
                "client_id": values["CLIENT_ID"],
                "secret": values["CLIENT_SECRET"],
                "settings": {
                    "server_url": values["ISSUER"].rstrip("/"),
                    "oauth_pkce_enabled": True,
                    "trust_mfa": env_bool(prefix + "TRUST_MFA", default=False),
                },
            }
        )
    return providers


def oidc_origins(providers: list[dict]) -> list[str]:
    """The providers' origins, which the sign-in forms may send the browser to (the
    Content-Security-Policy's form-action covers the redirect after a form's post)."""
    origins = []
    for provider in providers:
        parts = urlsplit(provider["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
