from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from valuecurve import views
from valuecurve.forms import SignInForm

urlpatterns = [
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("reports.scorecard_urls")),
    path("", include("reports.batch_urls")),
    path("cohorts/", include("cohorts.urls")),
    path("", include("outcomes.urls")),
    path("about/", views.about, name="about"),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/security/", views.account, name="account"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("admin/", admin.site.urls),
]
