from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from valuecurve import health, language_views, signup_views, views
from valuecurve.forms import SignInForm, StaffSignInForm

admin.site.login_form = StaffSignInForm

urlpatterns = [
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("reports.scorecard_urls")),
    path("", include("reports.batch_urls")),
    path("cohorts/", include("cohorts.urls")),
    path("", include("outcomes.urls")),
    path("", include("surveys.urls")),
    path("", include("surveys.results_urls")),
    path("about/", views.about, name="about"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("i18n/setlang/", language_views.language_set, name="set_language"),
    path("favicon.ico", views.favicon),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/signup/", signup_views.signup_start, name="signup"),
    path("accounts/signup/sent/", signup_views.signup_sent, name="signup_sent"),
    path("accounts/signup/resend/", signup_views.signup_resend, name="signup_resend"),
    path(
        "accounts/confirm/<str:uidb64>/<str:token>/",
        signup_views.signup_confirm,
        name="signup_confirm",
    ),
    # Single sign-on: accounts/oidc/<provider>/login/ and its callback (valuecurve/sso.py).
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/security/", views.account, name="account"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]
