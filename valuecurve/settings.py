"""Settings for Value Curve, read from environment variables.

Development needs none of them. Production sets at least SECRET_KEY, DEBUG=false,
ALLOWED_HOSTS, DATABASE_URL and the EMAIL_* variables (see README).
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from valuecurve.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_oidc_providers,
    env_str,
    oidc_origins,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    # Before django_tasks_db: its `db_worker` command is valuecurve's, which also tells the
    # readiness check the worker is alive.
    "valuecurve",
    "django_tasks_db",
    "assessments",
    "reports",
    "cohorts",
    "outcomes",
    "surveys",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

# The largest request body taken (the outcome CSV upload is at most 2 MB); put the same limit
# on the proxy in front of the app (nginx: client_max_body_size).
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "valuecurve.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "valuecurve.sessions.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "valuecurve.middleware.UserLanguageMiddleware",
    "valuecurve.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production the app serves its collected static files itself.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "valuecurve.urls"
WSGI_APPLICATION = "valuecurve.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default, served by several processes: readers never wait for a writer
    # (WAL), a write waits its turn rather than failing with "database is locked" (a busy
    # timeout, and transactions that take the write lock when they begin).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_SECONDS", 20),
    } | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins: after 5 for one account or one address, that one waits 15 minutes.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "valuecurve.signin.SignInAttemptHandler"
# Behind a reverse proxy, count the client's address, not the proxy's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Answers a survey's public link takes from one address at once, and refills a minute, per
# process (surveys/limits.py); a kiosk or a shared connection sends many.
SURVEY_BURST = env_int("SURVEY_BURST", 20)
SURVEY_PER_MINUTE = env_int("SURVEY_PER_MINUTE", 20)
AXES_VERBOSE = False

# Sessions end after this much time without a request. A session is written at most once
# every SESSION_REFRESH_SECONDS to push its end back, not on each request (valuecurve/sessions.py):
# at most 5 minutes, and a quarter of the idle time when that is shorter.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_REFRESH_SECONDS = min(5 * 60, SESSION_COOKIE_AGE // 4)

OTP_TOTP_ISSUER = "Value Curve"
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
# Cohort rounds: member leaders who have not submitted get one reminder this many days before
# a round's deadline (manage.py send_round_reminders, run daily).
ROUND_REMINDER_DAYS = env_int("ROUND_REMINDER_DAYS", 7)
# The site's address, for links in emails sent outside a request (the round emails).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# "open": anyone can create an account with their email; "invite-only": only invitations
# (to an organization's team, or an organization to a cohort) create accounts.
SIGNUP = env_choice("SIGNUP", ("open", "invite-only"), "open")
# Sign-up emails per client address per hour, before sign-up waits.
SIGNUP_RATE_PER_HOUR = env_int("SIGNUP_RATE_PER_HOUR", 10)

# Single sign-on (valuecurve/sso.py): OpenID Connect providers from SSO_PROVIDERS and the
# SSO_<NAME>_* variables (README, "Single sign-on"). allauth is used only for the sign-in with
# a provider and its callback; the sign-in page, sign-up and password pages stay the app's own.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": env_oidc_providers()}}
SSO_ORIGINS = oidc_origins(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])
SOCIALACCOUNT_ADAPTER = "valuecurve.sso.SignInAdapter"
ACCOUNT_ADAPTER = "valuecurve.sso.AccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# valuecurve.sso matches accounts by verified email itself, in one place.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION = "none"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Vendor assets come from installed packages, never from a CDN. Pages draw charts with a
# plotly.js bundle of only the trace types they use, built from npm's plotly.js at set-up
# (assets/plotly.js, valuecurve/charts.py PLOTLY_BUNDLE), not the full 4.8 MB plotly.min.js.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/plotly", BASE_DIR / "assets" / "dist"),
]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded and generated files (poster batches); served through views that check access.
# With several app servers, MEDIA_ROOT is a directory every server and worker mounts, or the
# files go to S3-compatible storage when S3_BUCKET is set (django-storages; the keys come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, S3_ENDPOINT_URL names a non-AWS service).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
if env_str("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "location": env_str("S3_PREFIX"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# The cache: in each process by default; with REDIS_URL, one Redis every app server and worker
# shares, so a change made through one server is never served stale by another. Sessions then
# live in the cache with the database behind it (cached_db): any server reads them.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "valuecurve"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (poster batches). The immediate backend runs a task at once, in the
# process that enqueues it. In production set TASKS_BACKEND=django_tasks_db.DatabaseBackend
# and run `manage.py db_worker` (one or more, on any machine): batches are then built outside
# the request, each by one worker. /health/ready checks a worker was seen in the last
# WORKER_STALE_SECONDS (the heartbeat goes through the cache: set REDIS_URL).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    }
}

WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 60)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email goes to the console in development; production sets EMAIL_HOST and friends (SMTP).
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Value Curve <noreply@localhost>")

# A strict Content Security Policy: scripts only from this site, no inline scripts.
# Plotly sets inline styles on the elements it draws, hence style-src 'unsafe-inline'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    # A sign-in form posts here and is sent on to the single sign-on provider.
    "form-action": [CSP.SELF, *SSO_ORIGINS],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes the health endpoints over plain HTTP, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Their INFO lines narrate every PDF and font subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The JSON API (api/): personal access tokens only, one error body, per-token rate limits.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE_LIMIT", "1000/hour")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Value Curve API",
    "VERSION": "1",
    "DESCRIPTION": "Read an organization's programs, cycles, assessments, plans, outcome "
    "figures and survey results; update plan-step statuses and add outcome counts. With a "
    "facilitator's token for a cohort, read the cohort's tables (levels by organization and "
    "program, benchmark, scorecard, survey aggregates) with each member's consent and the "
    "pages' small-group protection; members that require two-factor sign-in are left out of "
    "a token made without it, and each response says how many. Survey results never include "
    "open-text answers: those are for the organization's leaders, on the results page. "
    "Authenticate with a personal access token from your account page: "
    "`Authorization: Bearer <token>`.",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "PlanStepStatusEnum": "assessments.models.PlanStep.Status",
    },
}
